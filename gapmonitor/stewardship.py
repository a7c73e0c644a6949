"""What the statistical office decides as steward of citizen data: each dataset's quality assessment
and review status, and the confidentiality thresholds. Every change is one write (db.writing), so the
maps' quality bar and the suppression follow at once."""

from dataclasses import dataclass
from pathlib import Path

from gapmonitor import db
from gapmonitor.sql import identifier

# The Copenhagen Framework on Citizen Data's ladder of citizen participation.
PARTICIPATION = {
    1: "Citizens provide data (data subjects only)",
    2: "Citizens collect data designed by others",
    3: "Citizens take part in analysis or interpretation",
    4: "Citizens co-design the data collection",
    5: "Citizens lead: design, collect, analyse and disseminate",
}
CRITERIA = {
    "relevance": "Relevance to the indicator and the group",
    "methodology": "Documented methodology",
    "accuracy": "Accuracy, validated against official or other data",
    "timeliness": "Timeliness",
    "coherence": "Coherence with official definitions and classifications",
    "ethics": "Ethics and informed consent",
    "confidentiality": "Confidentiality of respondents",
}
SCORES = {0: "Not met", 1: "Partly met", 2: "Fully met"}
MAX_SCORE = len(CRITERIA) * max(SCORES)  # a dataset's score is its criteria summed (the view citizen_quality)
REVIEW = ("not reviewed", "under review", "endorsed")


@dataclass
class Assessment:
    participation_level: int
    relevance: int
    methodology: int
    accuracy: int
    timeliness: int
    coherence: int
    ethics: int
    confidentiality: int
    nso_review: str
    assessed_by: str
    assessment_note: str = ""

    def check(self) -> None:
        if self.participation_level not in PARTICIPATION:
            raise ValueError(f"participation level must be 1 to 5, not {self.participation_level!r}")
        for name in CRITERIA:
            if getattr(self, name) not in SCORES:
                raise ValueError(f"{name} must be scored 0, 1 or 2, not {getattr(self, name)!r}")
        if self.nso_review not in REVIEW:
            raise ValueError(f"review status must be one of {', '.join(REVIEW)}")
        if not self.assessed_by.strip():
            raise ValueError("say who made the assessment")


def save_assessment(dataset_id: str, assessment: Assessment, path: Path | None = None) -> None:
    """Record an assessment of a citizen dataset (with who made it and when)."""
    assessment.check()
    fields = [*CRITERIA, "participation_level", "nso_review", "assessed_by", "assessment_note"]
    with db.writing(path) as con:
        if not con.execute("select count(*) from citizen_dataset where dataset_id = ?", [dataset_id]).fetchall()[0][0]:
            raise ValueError(f"no citizen dataset {dataset_id!r}")
        con.execute(f"update citizen_dataset set {', '.join(f'{identifier(f)} = ?' for f in fields)}, assessed_at = current_timestamp "
                    "where dataset_id = ?", [getattr(assessment, f) for f in fields] + [dataset_id])


def set_thresholds(min_sample_size: int, reliable_sample_size: int, path: Path | None = None) -> None:
    """Change the confidentiality threshold (estimates behind fewer are suppressed) and the reliability
    threshold (estimates behind fewer are flagged)."""
    if not 1 <= min_sample_size <= reliable_sample_size:
        raise ValueError("the thresholds need 1 <= suppression threshold <= reliability threshold")
    with db.writing(path) as con:
        con.execute("update setting set value = ? where key = 'min_sample_size'", [min_sample_size])
        con.execute("update setting set value = ? where key = 'reliable_sample_size'", [reliable_sample_size])
