"""Which CRM model fits a business: a short questionnaire and the reasons behind its advice.

Pure rules, no database: each answer adds points to the models it suits, with the
sentence that explains why; the model with the most points is recommended and
every reason that counted is shown, so the advice can be argued with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODELS = ("idic", "value_chain", "payne_frow", "qci", "gartner")

QUESTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "market": (
        "Who are your customers?",
        {"b2c": "Consumers (B2C)", "b2b": "Businesses (B2B)", "both": "Both"},
    ),
    "customers": (
        "How many customers do you have?",
        {"small": "Fewer than 1,000", "medium": "1,000 to 100,000", "large": "More than 100,000"},
    ),
    "team": (
        "How many people work with customers?",
        {"solo": "1 to 5", "team": "6 to 50", "org": "More than 50"},
    ),
    "buying": (
        "How do customers buy?",
        {
            "repeat": "Again and again (shop, subscription)",
            "project": "Occasional large projects or contracts",
        },
    ),
    "goal": (
        "What matters most this year?",
        {
            "know": "Knowing and cleaning up our customer data",
            "keep": "Keeping customers and selling them more",
            "win": "Winning new customers",
            "align": "Getting teams to work the same way",
            "measure": "Measuring what works",
        },
    ),
}

# (question, answer) -> [(model, points, reason)]
RULES: dict[tuple[str, str], list[tuple[str, int, str]]] = {
    ("market", "b2c"): [
        ("idic", 2, "IDIC suits many individual customers whose value differs widely.")
    ],
    ("market", "b2b"): [
        (
            "value_chain",
            2,
            "The value chain's network development and portfolio analysis fit business accounts.",
        ),
        (
            "payne_frow",
            1,
            "Payne & Frow's strategy process fits account planning with few, large customers.",
        ),
    ],
    ("market", "both"): [
        ("value_chain", 1, "The value chain covers both consumer and partner relationships.")
    ],
    ("customers", "small"): [
        ("payne_frow", 1, "With few customers, strategy and objectives matter more than scoring.")
    ],
    ("customers", "medium"): [
        ("idic", 1, "At thousands of customers, scoring and segments start to pay off.")
    ],
    ("customers", "large"): [
        (
            "idic",
            2,
            "At this size only data can tell customers apart: IDIC's Differentiate step does it.",
        ),
        (
            "qci",
            1,
            "QCI's acquisition, penetration, retention and win-back suit large customer bases.",
        ),
    ],
    ("team", "solo"): [("idic", 1, "IDIC's four steps are simple enough for a small team to run.")],
    ("team", "team"): [
        ("qci", 1, "QCI names owners for each component, which a team of this size needs.")
    ],
    ("team", "org"): [
        (
            "gartner",
            2,
            "Gartner's competencies cover the collaboration and vision a large organisation needs.",
        ),
        (
            "payne_frow",
            1,
            "Payne & Frow's change and project management elements help large roll-outs.",
        ),
    ],
    ("buying", "repeat"): [
        ("idic", 2, "Repeat buyers leave the order history IDIC's value scoring needs."),
        ("qci", 1, "Repeat buying makes retention and penetration measurable."),
    ],
    ("buying", "project"): [
        ("value_chain", 2, "Project sales depend on intimacy with few accounts and their network."),
        ("payne_frow", 1, "Large deals need Payne & Frow's strategy and performance assessment."),
    ],
    ("goal", "know"): [("idic", 2, "IDIC starts with Identify: capture, clean and deduplicate.")],
    ("goal", "keep"): [
        ("qci", 2, "QCI measures retention, penetration and win-back directly."),
        ("value_chain", 1, "The value chain's lifecycle stage manages retention and development."),
    ],
    ("goal", "win"): [("qci", 2, "QCI's acquisition activity measures new customers won.")],
    ("goal", "align"): [
        ("gartner", 2, "Gartner's competencies start from vision, strategy and collaboration."),
        (
            "payne_frow",
            1,
            "Payne & Frow's multichannel integration gives every team the same view.",
        ),
    ],
    ("goal", "measure"): [
        ("payne_frow", 2, "Payne & Frow's performance assessment is about KPIs against goals."),
        ("gartner", 1, "Gartner's metrics competency checks that measurement drives decisions."),
    ],
}


class InvalidAnswers(ValueError):
    """An answer is missing or not one of the question's choices."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Recommendation:
    model: str
    scores: dict[str, int]
    reasons: list[str] = field(default_factory=list)  # why the recommended model fits


def recommend(answers: dict[str, str]) -> Recommendation:
    """The best-fitting model for these answers; ties go to the simpler model (MODELS' order)."""
    errors = {}
    for key, (_, choices) in QUESTIONS.items():
        if answers.get(key) not in choices:
            errors[key] = "Choose one of: " + ", ".join(choices)
    if errors:
        raise InvalidAnswers(errors)
    scores = dict.fromkeys(MODELS, 0)
    reasons: dict[str, list[str]] = {m: [] for m in MODELS}
    for key in QUESTIONS:
        for model, points, reason in RULES.get((key, answers[key]), []):
            scores[model] += points
            reasons[model].append(reason)
    best = max(MODELS, key=lambda m: (scores[m], -MODELS.index(m)))
    return Recommendation(model=best, scores=scores, reasons=reasons[best])
