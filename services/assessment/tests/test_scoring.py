"""Scoring rules, each checked against numbers worked out by hand (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.rounds.facts import (
    AreaIncidents,
    BlockRule,
    BonusFact,
    FindingFact,
    IndicatorRule,
    ManualFact,
    PatrolHours,
    SchemeRules,
    SurveyFact,
    UnitEvidence,
    VetoFact,
)
from assessment.rounds.scoring import rank, score_unit

D = Decimal

# A: F1 findings 10 (2 a fault), F2 findings 10 (3 a fault, no stop at zero), M1 manual 20.
# B (cap 10): I1 incidents 15 (2 each theft or fraud), P1 patrol 15 (0.5 an hour under 100 h).
# C: S1 awareness 10 (≥ 90 %, 0.5 a point), S2 participation 10 (≥ 60 %, 1 a point),
#    N1 findings 10 for markets only.
RULES = SchemeRules(
    full_score=D(100),
    bonus_cap=D(3),
    unfixed_multiplier=D(2),
    bands=(("优秀", D(90)), ("良好", D(80)), ("合格", D(60))),
    failing_band="不合格",
    blocks=(BlockRule("A", None, D(40)), BlockRule("B", None, D(30), D(10)), BlockRule("C", None, D(30))),
    indicators=(
        IndicatorRule("F1", "A", D(10), "findings", per_fault=D(2)),
        IndicatorRule("F2", "A", D(10), "findings", per_fault=D(3), stop_at_zero=False),
        IndicatorRule("M1", "A", D(20), "manual"),
        IndicatorRule("I1", "B", D(15), "incidents", per_fault=D(2), categories=("theft", "fraud")),
        IndicatorRule("P1", "B", D(15), "patrol", per_fault=D("0.5"), target_hours=D(100)),
        IndicatorRule("S1", "C", D(10), "survey", per_fault=D("0.5"), survey="awareness", threshold=0.9),
        IndicatorRule("S2", "C", D(10), "survey", per_fault=D(1), survey="participation", threshold=0.6),
        IndicatorRule("N1", "C", D(10), "findings", per_fault=D(1), kinds=frozenset({"market"})),
    ),
    bonus_items={"X1": D(2), "X2": D(2)},
)  # fmt: skip


def unit(kind: str = "market", **evidence: object) -> UnitEvidence:
    """A unit with clean data: no incidents, 120 patrol hours, 95 % aware, 75 % taking part."""
    values: dict[str, object] = {
        "incidents": AreaIncidents("530128100001001", {"theft": 0}),
        "patrol": PatrolHours("530128100001001", D(120)),
        "survey": SurveyFact(("s1",), 400, 380, 300),
        **evidence,
    }
    return UnitEvidence("u1", kind, **values)  # type: ignore[arg-type]  # test keywords


def test_a_clean_unit_keeps_every_point() -> None:
    result = score_unit(RULES, unit())
    assert (result.total, result.raw, result.rating) == (D(100), D(100), "优秀")
    assert result.blocks == {"A": 40.0, "B": 30.0, "C": 30.0}
    assert result.inconclusive == []
    assert result.indicators["I1"]["incidents"] == {"theft": 0, "fraud": 0}
    assert result.indicators["S1"]["verdict"] == "pass"
    assert "F1" not in result.indicators  # untouched: full points
    assert "F1" not in result.findings


def test_confirmed_findings_deduct_and_unfixed_ones_double() -> None:
    findings = [
        FindingFact("f1", "F1", 1),
        FindingFact("f2", "F1", 2),
        FindingFact("f3", "F1", 5, confirmed=False),  # four eyes: not counted
        FindingFact("f4", "N1", 1, unfixed=True),  # 1 × 1 × 2
    ]
    result = score_unit(RULES, unit(findings=findings))
    f1 = result.indicator("F1")
    assert f1["deduction"] == 6.0
    assert (f1["findings"], f1["faults"]) == (["f1", "f2"], 3)
    assert result.indicator("N1")["deduction"] == 2.0
    assert result.indicator("N1")["unfixed"] == ["f4"]
    assert result.total == D(92)  # 100 − 6 − 2


def test_stop_at_zero_and_its_exception() -> None:
    findings = [FindingFact("f1", "F1", 7), FindingFact("f2", "F2", 4)]
    result = score_unit(RULES, unit(findings=findings))
    assert result.indicator("F1")["deduction"] == 10.0  # 14 stopped at its 10 points
    assert result.indicator("F2")["deduction"] == 12.0  # may pass its 10 points
    assert result.blocks["A"] == 18.0  # 40 − 10 − 12
    assert result.total == D(78)
    assert result.rating == "合格"


def test_a_block_never_goes_below_zero() -> None:
    findings = [FindingFact("f1", "F2", 20)]  # 60 off an indicator without stop at zero
    manual = [ManualFact("m1", "M1", D(20))]
    result = score_unit(RULES, unit(findings=findings, manual=manual))
    assert result.blocks["A"] == 0.0
    assert result.total == D(60)


def test_block_cap_limits_incidents_and_patrol() -> None:
    evidence = unit(
        incidents=AreaIncidents("530128100001001", {"theft": 7, "fraud": 1, "fight": 9}),
        patrol=PatrolHours("530128100001001", D("80")),
    )
    result = score_unit(RULES, evidence)
    assert result.indicators["I1"]["count"] == 8  # fights are not counted
    assert result.indicators["I1"]["deduction"] == 15.0  # 16 stopped at 15
    assert result.indicators["P1"]["deduction"] == 10.0  # 20 hours short × 0.5
    assert result.blocks["B"] == 20.0  # 25 lost, capped at 10
    assert result.total == D(90)


def test_patrol_hours_short_by_a_fraction() -> None:
    result = score_unit(RULES, unit(patrol=PatrolHours("530128100001001", D("99.25"))))
    assert result.indicators["P1"]["deduction"] == 0.38  # 0.75 × 0.5 = 0.375, half up
    assert result.total == D("99.62")


def test_manual_deductions_add_up() -> None:
    manual = [ManualFact("m1", "M1", D("2.5")), ManualFact("m2", "F1", D(5))]  # F1 is not manual
    result = score_unit(RULES, unit(manual=manual))
    assert result.indicators["M1"]["manual_scores"] == ["m1"]
    assert result.indicators["M1"]["deduction"] == 2.5
    assert "F1" not in result.findings
    assert result.total == D("97.5")


def test_a_rate_below_beyond_doubt_deducts_per_point_of_the_upper_bound() -> None:
    # 70 of 100 aware: Wilson 95 % interval (0.6042, 0.7811); 0.9 − 0.7811 = 11.9 points → 12.
    result = score_unit(RULES, unit(survey=SurveyFact(("s1", "s2"), 100, 70, 75)))
    s1 = result.indicators["S1"]
    assert s1["interval"] == [0.6042, 0.7811]
    assert (s1["verdict"], s1["points_short"], s1["deduction"]) == ("deduct", 12, 6.0)
    assert s1["samples"] == ["s1", "s2"]
    assert result.indicators["S2"]["verdict"] == "pass"  # 75 % ≥ 60 % beyond doubt
    assert result.total == D(94)


def test_a_rate_straddling_the_threshold_is_inconclusive() -> None:
    # 44 of 50 aware (88 %): the interval (0.762, 0.944) straddles 90 %.
    result = score_unit(RULES, unit(survey=SurveyFact(("s1",), 50, 44, 40)))
    s1 = result.indicators["S1"]
    assert s1["verdict"] == "inconclusive"
    assert s1["sample_more"] > 0
    assert s1["deduction"] == 0.0
    assert result.inconclusive == ["S1"]


def test_no_survey_at_all_is_inconclusive_not_a_deduction() -> None:
    result = score_unit(RULES, unit(survey=None))
    assert result.inconclusive == ["S1", "S2"]
    assert result.total == D(100)


def test_not_applicable_leaves_the_maximum_and_the_total_is_scaled() -> None:
    result = score_unit(RULES, unit("campus", findings=[FindingFact("f1", "F1", 3)]))
    assert result.not_applicable == ["N1"]
    assert (result.applicable_max, result.raw) == (D(90), D(84))
    assert result.total == D("93.33")  # 84 × 100 ÷ 90
    assert result.blocks["C"] == 20.0


def test_findings_on_a_not_applicable_indicator_count_nothing() -> None:
    result = score_unit(RULES, unit("campus", findings=[FindingFact("f1", "N1", 3)]))
    assert result.total == D(100)


def test_bonus_is_capped_per_item_and_in_total() -> None:
    bonuses = [
        BonusFact("b1", "X1", D("1.5")),
        BonusFact("b2", "X1", D(1)),  # X1 counts up to 2
        BonusFact("b3", "X2", D(2)),
    ]
    result = score_unit(RULES, unit(bonuses=bonuses, findings=[FindingFact("f", "F1", 1)]))
    assert result.bonus_detail["counted"] == 4.0
    assert result.bonus == D(3)
    assert (result.score, result.total) == (D(98), D(101))


def test_a_confirmed_veto_fails_whatever_the_score() -> None:
    proposed = score_unit(RULES, unit(vetoes=[VetoFact("v1", "V1", confirmed=False)]))
    assert (proposed.rating, proposed.vetoed) == ("优秀", False)
    confirmed = score_unit(RULES, unit(vetoes=[VetoFact("v1", "V1")]))
    assert (confirmed.rating, confirmed.vetoed, confirmed.vetoes) == ("不合格", True, ["v1"])
    assert confirmed.total == D(100)  # the score stands; the rating falls


@pytest.mark.parametrize(
    ("deduction", "band"),
    [("10", "优秀"), ("10.01", "良好"), ("20", "良好"), ("20.01", "合格"), ("40", "合格"),
     ("40.01", "不合格")],
)  # fmt: skip
def test_rating_bands_at_their_edges(deduction: str, band: str) -> None:
    rules = SchemeRules(
        full_score=D(100),
        bonus_cap=D(0),
        unfixed_multiplier=D(2),
        bands=RULES.bands,
        failing_band="不合格",
        blocks=(BlockRule("A", None, D(100)),),
        indicators=(IndicatorRule("M1", "A", D(100), "manual"),),
    )
    evidence = UnitEvidence("u", "campus", manual=[ManualFact("m", "M1", D(deduction))])
    assert score_unit(rules, evidence).rating == band


def test_nested_blocks_and_their_caps() -> None:
    rules = SchemeRules(
        full_score=D(20),
        bonus_cap=D(0),
        unfixed_multiplier=D(2),
        bands=(("合格", D(10)),),
        failing_band="不合格",
        blocks=(BlockRule("P", None, D(20)), BlockRule("Q", "P", D(10), D(3)), BlockRule("R", "P", D(10))),
        indicators=(
            IndicatorRule("q1", "Q", D(10), "findings", per_fault=D(5)),
            IndicatorRule("r1", "R", D(10), "findings", per_fault=D(5)),
        ),
    )  # fmt: skip
    findings = [FindingFact("a", "q1", 2), FindingFact("b", "r1", 1)]
    result = score_unit(rules, UnitEvidence("u", "campus", findings=findings))
    assert result.blocks == {"Q": 7.0, "R": 5.0, "P": 12.0}  # Q lost 10, capped at 3
    assert result.total == D(12)


def test_incident_indicators_need_counts() -> None:
    with pytest.raises(ValueError, match="no incident counts"):
        score_unit(RULES, unit(incidents=None))


def test_ranks_within_groups_ties_share_vetoed_last() -> None:
    entries = [
        ("a", "campus", D(90), False),
        ("b", "campus", D(95), False),
        ("c", "campus", D(90), False),
        ("d", "campus", D(99), True),
        ("e", "campus", D(80), False),
        ("f", "market", D(50), False),
    ]
    assert rank(entries) == {"b": 1, "a": 2, "c": 2, "e": 4, "d": 5, "f": 1}
