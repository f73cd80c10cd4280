"""The maturity assessment's statements: Gartner's eight competencies, Payne & Frow's
readiness elements and QCI's components, each scored 1–5 against written guidance.

Data, not code: the questionnaire page, the radar and the links from a weak score
to what fixes it are all drawn from this one list. ``features`` are URL names
(checked by a test to reverse); ``indicators`` are indicator keys from the
registry, shown as evidence beside the self-score where they have a value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    key: str  # stable: answers are stored under it
    framework: str  # "gartner", "payne_frow" or "qci"
    area: str  # the competency, element or component it scores
    text: str  # what the respondent rates, 1 (not at all) to 5 (fully)
    levels: tuple[str, str, str, str, str]  # what each score looks like in practice
    features: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()


FRAMEWORKS = {
    "gartner": "Gartner's eight CRM competencies",
    "payne_frow": "Payne & Frow's readiness elements",
    "qci": "QCI components",
}

STATEMENTS: tuple[Statement, ...] = (
    # Gartner's eight competencies
    Statement(
        "gartner.vision",
        "gartner",
        "Vision",
        "Everyone who deals with customers can say which customers we want and what we promise them.",
        (
            "Nobody has written down which customers matter or why.",
            "Leaders have an idea of the target customer, but it is not shared.",
            "A written customer vision exists; some teams use it.",
            "The vision is shared, and the model chosen in Rapport reflects it.",
            "The vision guides decisions; it is reviewed yearly against the indicators.",
        ),
        features=("playbooks:playbook",),
    ),
    Statement(
        "gartner.strategy",
        "gartner",
        "Strategy",
        "We have customer objectives with numbers and dates, and we know which customers to grow, keep or let go.",
        (
            "No customer objectives; effort goes to whoever shouts loudest.",
            "Objectives exist as revenue targets only.",
            "Some customer objectives (retention, acquisition) have targets, few have dates.",
            "Objectives with targets, dates and owners are tracked for the main segments.",
            "Objectives per tier and segment are tracked, reviewed and adjusted from the data.",
        ),
        features=("insights:portfolio", "insights:segment_list"),
        indicators=("differentiate.top20_value_share",),
    ),
    Statement(
        "gartner.customer_experience",
        "gartner",
        "Valued customer experience",
        "Customers get a consistent experience whichever channel or person they reach, and we measure it.",
        (
            "Experience depends on who picks up; nothing is measured.",
            "Complaints are handled, but there is no shared history.",
            "The timeline holds most touches; satisfaction is asked now and then.",
            "Every channel feeds the timeline; satisfaction is measured regularly.",
            "Satisfaction and effort are measured per touchpoint and acted on.",
        ),
        features=("people:person_list", "activities:task_list"),
        indicators=("interact.tier_a_touched_30d_share",),
    ),
    Statement(
        "gartner.collaboration",
        "gartner",
        "Organisational collaboration",
        "Sales, marketing and service share one view of each customer and hand work over cleanly.",
        (
            "Each team keeps its own list.",
            "Teams share a database but not the history.",
            "One database; hand-overs happen by e-mail or word of mouth.",
            "Owners and teams are set on records; tasks hand work over.",
            "Hand-overs are tracked, and indicators are shared across teams.",
        ),
        features=("accounts:team_list", "activities:task_team"),
    ),
    Statement(
        "gartner.processes",
        "gartner",
        "Processes",
        "How we acquire, serve and keep customers is written down and followed, step by step.",
        (
            "Nothing is written; every rep works their own way.",
            "A few steps are known but not followed.",
            "Key steps (follow-up after a sale, reminders) are defined.",
            "Processes are defined per model step and supported by tasks and reminders.",
            "Processes are measured and improved from the indicators.",
        ),
        features=("activities:task_list", "campaigns:campaign_list"),
        indicators=("interact.overdue_tasks",),
    ),
    Statement(
        "gartner.information",
        "gartner",
        "Information",
        "Our customer data is complete, deduplicated and trusted by those who use it.",
        (
            "Data is scattered across spreadsheets and inboxes.",
            "One list exists, with many duplicates and gaps.",
            "Imports are cleaned; duplicates are merged now and then.",
            "Duplicates are cleared regularly; profiles are mostly complete.",
            "Data quality is measured, owned and kept above a target.",
        ),
        features=("dataio:quality", "dedupe:review", "dataio:hub"),
        indicators=("identify.complete_profile_share", "identify.duplicate_rate"),
    ),
    Statement(
        "gartner.technology",
        "gartner",
        "Technology",
        "Our tools are connected: the CRM receives orders, mail and imports without retyping.",
        (
            "Customer data is typed by hand into several tools.",
            "Some data is imported by hand from time to time.",
            "Orders and contacts are imported regularly.",
            "Mail, orders and imports flow in automatically; the API is used.",
            "Every system that touches customers is connected and monitored.",
        ),
        features=("dataio:hub", "sales:order_import", "campaigns:inbound_upload"),
    ),
    Statement(
        "gartner.metrics",
        "gartner",
        "Metrics",
        "We track customer indicators (value, retention, satisfaction) against objectives, not just sales.",
        (
            "Only revenue is tracked.",
            "Some customer figures are pulled by hand now and then.",
            "Key indicators are visible but not tied to objectives.",
            "Indicators are tracked against objectives with owners.",
            "Indicators drive decisions; objectives are reviewed on a schedule.",
        ),
        features=("playbooks:playbook",),
    ),
    # Payne & Frow's four elements
    Statement(
        "payne_frow.readiness",
        "payne_frow",
        "CRM readiness",
        "We know where we stand: data, skills and processes have been assessed, and the gaps are known.",
        (
            "No one has looked.",
            "A feeling that something is missing.",
            "A one-off review was done.",
            "The current state is mapped and the gaps have owners.",
            "The assessment is repeated and the gaps are closing.",
        ),
        features=("dataio:quality",),
    ),
    Statement(
        "payne_frow.change_management",
        "payne_frow",
        "Change management",
        "Changes to how we work with customers are planned, explained and checked afterwards.",
        (
            "Changes just happen.",
            "Changes are announced but not explained.",
            "Changes are explained; some are checked.",
            "Changes are planned with the people they affect and audited.",
            "Every change is measured against the indicators it should move.",
        ),
        features=("accounts:settings",),
    ),
    Statement(
        "payne_frow.project_management",
        "payne_frow",
        "Project management",
        "Our CRM work has objectives with owners and deadlines, and we track progress against them.",
        (
            "No objectives.",
            "Objectives without owners.",
            "Owners but no deadlines.",
            "Objectives with owners and deadlines are tracked.",
            "Progress is reviewed regularly and acted on.",
        ),
        features=("playbooks:playbook",),
    ),
    Statement(
        "payne_frow.employee_management",
        "payne_frow",
        "Employee management",
        "Every customer and prospect has an owner, and work is assigned by clear rules.",
        (
            "Nobody knows who owns a customer.",
            "Owners are set for the biggest customers only.",
            "Most records have an owner.",
            "Every record has an owner and a team.",
            "Ownership and assignment are reviewed and balanced across the team.",
        ),
        features=("people:person_list", "accounts:user_list"),
    ),
    # QCI components
    Statement(
        "qci.analysis_planning",
        "qci",
        "Analysis and planning",
        "We know the value of each customer and plan effort by segment.",
        (
            "No analysis.",
            "Revenue per customer is known.",
            "Value tiers exist.",
            "Predicted value and segments drive the plan.",
            "Plans are checked against results every period.",
        ),
        features=("insights:portfolio", "insights:segment_list"),
        indicators=("differentiate.scored_share",),
    ),
    Statement(
        "qci.proposition",
        "qci",
        "Proposition",
        "What we offer each segment is built from what that segment values.",
        (
            "One offer for all.",
            "Offers differ by size of customer.",
            "Offers per segment exist.",
            "Offers per segment come from the data.",
            "Offers are tested and measured per segment.",
        ),
        features=("insights:segment_list", "campaigns:campaign_list"),
    ),
    Statement(
        "qci.information_technology",
        "qci",
        "Information and technology",
        "The data we need about customers is captured, clean and available where it is needed.",
        (
            "Missing or scattered.",
            "Captured but dirty.",
            "Cleaned on import.",
            "Kept clean continuously.",
            "Measured and owned.",
        ),
        features=("dataio:quality", "dedupe:review"),
        indicators=("identify.duplicate_rate",),
    ),
    Statement(
        "qci.people_organisation",
        "qci",
        "People and organisation",
        "Named people own feedback, reviews and service requests.",
        (
            "Nobody is named.",
            "A few people are named informally.",
            "Owners exist for most areas.",
            "Every area has a named owner in Rapport.",
            "Owners report on their indicators.",
        ),
        features=("accounts:team_list",),
    ),
    Statement(
        "qci.process_management",
        "qci",
        "Process management",
        "We set service levels and keep them.",
        (
            "No service levels.",
            "Informal expectations.",
            "Levels set but not measured.",
            "Levels measured.",
            "Levels kept and improved.",
        ),
        features=("activities:task_list",),
        indicators=("interact.overdue_tasks",),
    ),
    Statement(
        "qci.customer_management",
        "qci",
        "Customer management activity",
        "We run acquisition, penetration, retention and win-back as measured activities.",
        (
            "None is measured.",
            "Acquisition is counted.",
            "Acquisition and retention are counted.",
            "All four are measured.",
            "All four have objectives and owners.",
        ),
        features=("insights:portfolio", "campaigns:campaign_list"),
        indicators=("customers.acquired", "customers.retention_rate", "customers.won_back"),
    ),
    Statement(
        "qci.effect_measurement",
        "qci",
        "Effect measurement",
        "We measure results per team and per representative.",
        (
            "Not measured.",
            "Totals only.",
            "Per team now and then.",
            "Per team and rep regularly.",
            "Used to coach and plan.",
        ),
        features=("playbooks:playbook",),
    ),
    Statement(
        "qci.customer_experience",
        "qci",
        "Customer experience",
        "We ask customers how satisfied they are (CSAT, NPS) and act on the answers.",
        (
            "Never asked.",
            "Asked now and then, informally.",
            "A survey runs sometimes.",
            "Surveys run regularly and results are shared.",
            "Results drive changes that are then measured.",
        ),
        features=("people:person_list",),
    ),
)

STATEMENTS_BY_KEY = {s.key: s for s in STATEMENTS}


def areas(framework: str) -> list[str]:
    """The framework's areas in catalogue order (the radar's axes)."""
    seen: dict[str, None] = {}
    for statement in STATEMENTS:
        if statement.framework == framework:
            seen.setdefault(statement.area)
    return list(seen)
