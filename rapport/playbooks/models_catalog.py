"""The CRM models Rapport runs, as data: one registry, read by pages, API and tests.

Keys are stable (they appear in URLs, the API and snapshots); names and
explanations may be reworded. A step lists the pages that do its work (URL
names that reverse without arguments; a test reverses every one) and the keys
of the indicators that measure it (``rapport/playbooks/indicators.py``
registry; a test checks each key is registered). The source checklist is
``docs/crm-models.md`` in the shared docs; the explanations are our own words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    label: str
    url_name: str


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    explanation: str
    features: tuple[Feature, ...] = ()
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrmModel:
    key: str
    name: str
    summary: str
    steps: tuple[Step, ...]
    # Buttle's supporting conditions, Payne & Frow's elements: not a flow, but measured too.
    supporting_label: str = ""
    supporting: tuple[Step, ...] = ()

    def all_steps(self) -> tuple[Step, ...]:
        return self.steps + self.supporting

    def step(self, key: str) -> Step | None:
        return next((s for s in self.all_steps() if s.key == key), None)


PEOPLE = Feature("People", "people:person_list")
ORGANISATIONS = Feature("Organisations", "people:organization_list")
IMPORT = Feature("Import and export", "dataio:hub")
DATA_QUALITY = Feature("Data quality", "dataio:quality")
DUPLICATES = Feature("Duplicate review", "dedupe:review")
CUSTOM_FIELDS = Feature("Custom fields", "people:custom_field_list")
PORTFOLIO = Feature("Portfolio value", "insights:portfolio")
SEGMENTS = Feature("Segments", "insights:segment_list")
VALUE_SETTINGS = Feature("Value model settings", "insights:settings")
TASKS = Feature("Tasks", "activities:task_list")
TEAM_TASKS = Feature("Team tasks", "activities:task_team")
CAMPAIGNS = Feature("Campaigns", "campaigns:campaign_list")
TEMPLATES = Feature("E-mail templates", "campaigns:template_list")
ORDERS = Feature("Orders", "sales:order_list")
ORDER_IMPORT = Feature("Order import", "sales:order_import")
USERS = Feature("Users", "accounts:user_list")
TEAMS = Feature("Teams", "accounts:team_list")
WORKSPACE = Feature("Workspace settings", "accounts:workspace")

IDENTIFY_INDICATORS = (
    "identify.complete_profile_share",
    "identify.duplicate_rate",
    "identify.consent_known_share",
    "identify.new_records_30d",
)
DIFFERENTIATE_INDICATORS = (
    "differentiate.scored_share",
    "differentiate.top20_value_share",
    "differentiate.gini",
    "differentiate.predicted_clv_total",
    "differentiate.tier_a_at_risk_share",
)
INTERACT_INDICATORS = (
    "interact.tier_a_touched_30d_share",
    "interact.median_days_since_touch",
    "interact.overdue_tasks",
    "interact.email_reply_rate",
)
ACQUISITION = ("customers.acquired",)
PENETRATION = ("customers.penetration_share",)
RETENTION = ("customers.retention_rate", "customers.churn_rate")
WIN_BACK = ("customers.won_back",)
CUSTOMER_MANAGEMENT = ACQUISITION + PENETRATION + RETENTION + WIN_BACK
DATA_HEALTH = (
    "identify.complete_profile_share",
    "identify.duplicate_rate",
    "identify.consent_known_share",
)

IDIC = CrmModel(
    key="idic",
    name="IDIC",
    summary=(
        "Peppers and Rogers' loop: know who each customer is, tell them apart by value, "
        "talk with them, then tailor what you offer to what you learnt."
    ),
    steps=(
        Step(
            "identify",
            "Identify",
            "Know every customer as one clean record: captured from every source, "
            "normalised, deduplicated, with consent and a complete profile.",
            (PEOPLE, ORGANISATIONS, IMPORT, DUPLICATES, DATA_QUALITY, CUSTOM_FIELDS),
            IDENTIFY_INDICATORS,
        ),
        Step(
            "differentiate",
            "Differentiate",
            "Rank customers by what they are worth now and are likely to be worth, "
            "and group them into tiers and segments you can act on.",
            (PORTFOLIO, SEGMENTS, VALUE_SETTINGS),
            DIFFERENTIATE_INDICATORS,
        ),
        Step(
            "interact",
            "Interact",
            "Keep in touch with the customers who matter, on every channel, and keep "
            "every touch on one timeline so the next conversation starts informed.",
            (TASKS, TEAM_TASKS, CAMPAIGNS, TEMPLATES),
            INTERACT_INDICATORS,
        ),
        Step(
            "customize",
            "Customize",
            "Adapt offers and treatment to each segment, then check that retention "
            "and spend follow.",
            (SEGMENTS, CAMPAIGNS, ORDERS),
            RETENTION + PENETRATION,
        ),
    ),
)

VALUE_CHAIN = CrmModel(
    key="value_chain",
    name="Buttle's CRM value chain",
    summary=(
        "Five primary stages from understanding the customer base to managing each "
        "customer's lifecycle, resting on four supporting conditions."
    ),
    steps=(
        Step(
            "portfolio_analysis",
            "Customer portfolio analysis",
            "Find out where value sits: how concentrated it is, what each customer is "
            "likely to be worth, and which customers are strategically significant.",
            (PORTFOLIO, SEGMENTS),
            (
                "differentiate.top20_value_share",
                "differentiate.gini",
                "differentiate.predicted_clv_total",
                "differentiate.scored_share",
            ),
        ),
        Step(
            "customer_intimacy",
            "Customer intimacy",
            "Have everything about a customer at hand when you talk to them: history, "
            "preferences, consent, every past touch.",
            (PEOPLE, TASKS),
            (
                "identify.complete_profile_share",
                "identify.consent_known_share",
                "interact.tier_a_touched_30d_share",
            ),
        ),
        Step(
            "network_development",
            "Network development",
            "Work with partners and suppliers as organisations in their own right, and "
            "share with them only the insight they need.",
            (ORGANISATIONS, IMPORT),
        ),
        Step(
            "value_proposition",
            "Value proposition development",
            "Shape offers and prices per segment from what the data says each segment values.",
            (SEGMENTS, CAMPAIGNS, TEMPLATES),
            ("customers.penetration_share",),
        ),
        Step(
            "lifecycle_management",
            "Manage the customer lifecycle",
            "Win new customers, develop and keep them, and bring lapsed ones back — "
            "measured stage by stage.",
            (ORDERS, SEGMENTS, CAMPAIGNS),
            CUSTOMER_MANAGEMENT,
        ),
    ),
    supporting_label="Supporting conditions",
    supporting=(
        Step(
            "leadership_culture",
            "Leadership and culture",
            "Leaders set goals in numbers and look at the same indicators as the team.",
            (PORTFOLIO,),
        ),
        Step(
            "processes",
            "Processes",
            "Follow-ups, reviews and campaigns happen on a rhythm, not when someone remembers.",
            (TASKS, TEAM_TASKS),
            ("interact.overdue_tasks",),
        ),
        Step(
            "people",
            "People",
            "Every customer has an owner and a team; work is assigned, not assumed.",
            (USERS, TEAMS),
        ),
        Step(
            "data_and_it",
            "Data and IT",
            "Clean, complete, audited data that every part of the business can rely on.",
            (DATA_QUALITY, DUPLICATES, IMPORT),
            DATA_HEALTH,
        ),
    ),
)

PAYNE_FROW = CrmModel(
    key="payne_frow",
    name="Payne and Frow's strategic framework",
    summary=(
        "Five cross-functional processes, from setting strategy to managing information, "
        "with four elements that decide whether the change takes."
    ),
    steps=(
        Step(
            "strategy_development",
            "Strategy development",
            "Decide which customers to serve and how, and turn that into objectives "
            "with numbers and dates.",
            (PORTFOLIO, SEGMENTS),
            ("customers.retention_rate", "differentiate.predicted_clv_total"),
        ),
        Step(
            "value_creation",
            "Value creation",
            "Weigh what the customer gets (offers, service) against what the business "
            "gets back (lifetime value).",
            (PORTFOLIO, CAMPAIGNS),
            ("differentiate.predicted_clv_total", "customers.penetration_share"),
        ),
        Step(
            "multichannel_integration",
            "Multichannel integration",
            "Every channel feeds one customer view, so sales, marketing and service "
            "see the same story.",
            (PEOPLE, CAMPAIGNS, TASKS),
            ("interact.tier_a_touched_30d_share", "interact.email_reply_rate"),
        ),
        Step(
            "information_management",
            "Information management",
            "One repository of clean data, importable, exportable and analysed.",
            (IMPORT, DATA_QUALITY, DUPLICATES),
            (*DATA_HEALTH, "differentiate.scored_share"),
        ),
        Step(
            "performance_assessment",
            "Performance assessment",
            "Measure results against goals: retention, churn, value, responsiveness.",
            (PORTFOLIO, ORDERS),
            ("customers.retention_rate", "customers.churn_rate", "customers.acquired"),
        ),
    ),
    supporting_label="Elements",
    supporting=(
        Step(
            "crm_readiness",
            "CRM readiness",
            "How ready the organisation is: data, skills and will, assessed honestly.",
            (DATA_QUALITY,),
            DATA_HEALTH,
        ),
        Step(
            "change_management",
            "Change management",
            "Configuration changes are deliberate, versioned and audited.",
            (WORKSPACE, CUSTOM_FIELDS),
        ),
        Step(
            "project_management",
            "Project management",
            "Objectives have owners and deadlines, and progress is visible.",
            (TEAM_TASKS,),
            ("interact.overdue_tasks",),
        ),
        Step(
            "employee_management",
            "Employee management",
            "Who owns which customer is explicit, and assignments follow rules.",
            (USERS, TEAMS),
        ),
    ),
)

QCI = CrmModel(
    key="qci",
    name="QCI (Quality Competitive Index)",
    summary=(
        "An audit-style model: the components a business needs in place to manage "
        "customers well, with customer management activity at its centre."
    ),
    steps=(
        Step(
            "analysis_planning",
            "Analysis and planning",
            "Understand the value and behaviour of customer groups and plan for each.",
            (PORTFOLIO, SEGMENTS),
            ("differentiate.scored_share", "differentiate.top20_value_share"),
        ),
        Step(
            "proposition",
            "The proposition",
            "Decide what each group is offered and make sure the people delivering it know.",
            (SEGMENTS, TEMPLATES),
        ),
        Step(
            "information_technology",
            "Information and technology",
            "Data that is complete, deduplicated and available where it is needed.",
            (DATA_QUALITY, DUPLICATES, IMPORT),
            DATA_HEALTH,
        ),
        Step(
            "people_organisation",
            "People and organisation",
            "Named owners for every customer, with the skills and time to look after them.",
            (USERS, TEAMS),
        ),
        Step(
            "process_management",
            "Process management",
            "Service levels are defined and kept: requests answered, follow-ups on time.",
            (TASKS, TEAM_TASKS),
            ("interact.overdue_tasks", "interact.email_reply_rate"),
        ),
        Step(
            "acquisition",
            "Customer management: acquisition",
            "Turn prospects into first-time customers.",
            (PEOPLE, CAMPAIGNS),
            ACQUISITION,
        ),
        Step(
            "penetration",
            "Customer management: penetration",
            "Make a first purchase the start of a habit: second orders and growing spend.",
            (SEGMENTS, CAMPAIGNS),
            PENETRATION,
        ),
        Step(
            "retention",
            "Customer management: retention",
            "Keep the customers you have buying, year on year.",
            (PORTFOLIO, TASKS),
            (*RETENTION, "differentiate.tier_a_at_risk_share"),
        ),
        Step(
            "win_back",
            "Customer management: win-back",
            "Bring lapsed customers back before they are gone for good.",
            (SEGMENTS, CAMPAIGNS),
            WIN_BACK,
        ),
        Step(
            "effect_measurement",
            "Measuring the effect",
            "Measure results per team and per representative, and learn from the gaps.",
            (PORTFOLIO, TEAM_TASKS),
            ("customers.retention_rate", "interact.tier_a_touched_30d_share"),
        ),
        Step(
            "customer_experience",
            "The customer experience",
            "Ask customers how it feels to deal with you, and act on the answer.",
            (CAMPAIGNS,),
            ("interact.email_reply_rate",),
        ),
    ),
)

GARTNER = CrmModel(
    key="gartner",
    name="Gartner's eight CRM competencies",
    summary=(
        "Eight building blocks of a CRM strategy, best used as a maturity check: "
        "where does the business stand on each, and what would move it?"
    ),
    steps=(
        Step(
            "vision",
            "CRM vision",
            "A picture of what the business wants customers to think and do, shared by leaders.",
            (PORTFOLIO,),
        ),
        Step(
            "strategy",
            "CRM strategy",
            "Which customers to win and keep, and what they are worth: goals in numbers.",
            (PORTFOLIO, SEGMENTS),
            ("differentiate.predicted_clv_total", "customers.retention_rate"),
        ),
        Step(
            "customer_experience",
            "Valued customer experience",
            "Customers get treatment that fits what they value, and come back for it.",
            (CAMPAIGNS, TASKS),
            ("interact.tier_a_touched_30d_share", "customers.penetration_share"),
        ),
        Step(
            "collaboration",
            "Organisational collaboration",
            "Sales, marketing and service work from one view and hand over cleanly.",
            (TEAMS, TEAM_TASKS),
            ("interact.overdue_tasks",),
        ),
        Step(
            "processes",
            "CRM processes",
            "Follow-ups, campaigns and reviews run as defined processes.",
            (TASKS, CAMPAIGNS),
            ("interact.median_days_since_touch",),
        ),
        Step(
            "information",
            "CRM information",
            "Data about customers is complete, clean and analysed.",
            (DATA_QUALITY, DUPLICATES, PORTFOLIO),
            (*DATA_HEALTH, "differentiate.scored_share"),
        ),
        Step(
            "technology",
            "CRM technology",
            "The tools hold the data together: import, export, API, automation.",
            (IMPORT, WORKSPACE),
        ),
        Step(
            "metrics",
            "CRM metrics",
            "Indicators tied to the strategy, measured every day, with trends.",
            (PORTFOLIO,),
            ("customers.retention_rate", "customers.churn_rate", "customers.acquired"),
        ),
    ),
)

MODELS: dict[str, CrmModel] = {m.key: m for m in (IDIC, VALUE_CHAIN, PAYNE_FROW, QCI, GARTNER)}
DEFAULT_MODEL = "idic"


def get_model(key: str) -> CrmModel | None:
    return MODELS.get(key)


def indicator_keys_used() -> set[str]:
    return {
        key for model in MODELS.values() for step in model.all_steps() for key in step.indicators
    }
