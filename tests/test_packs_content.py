"""Content checks for the five policy packs under knowledge/.

A pack is what staff are quoted, so these tests hold it to its source: the policy text is the
seed text with only markup removed, every clause is a span of it, every fact the flows branch
on is defined, and the rules that differ between libraries say what each library's text says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.packs import Pack, load_pack

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
# The five bundled libraries, whose per-library rules are pinned below. Every pack found under
# knowledge/ (a new library included) gets the generic checks.
BUNDLED = ("mount-prospect", "westmont", "mahomet", "jackson-county", "calumet")
PACK_IDS = tuple(sorted(p.parent.name for p in KNOWLEDGE.glob("*/pack.yaml")))

# The fact contract: flows written elsewhere branch on exactly these names.
REQUIRED_FACTS = (
    "general_confidentiality",
    "authorized_discloser",
    "request_recipient",
    "court_order_releases",
    "warrant_is_court_order",
    "subpoena_suffices",
    "counsel",
    "board_consulted",
    "written_request_required",
    "emergency_release",
    "emergency_form",
    "emergency_identity_only",
    "emergency_excludes_circulation",
    "emergency_probable_cause",
    "policy_copy_to_officer",
    "judicial_review_reserved",
    "gag_order_possible",
    "parent_access",
    "card_holder_access",
    "patron_self_access",
    "reading_history_opt_in",
    "complaint_route",
    "records_retention",
    "statistics_publishable",
    "behavioural_not_records",
    "media_disclosure_forbidden",
    "family_disclosure_forbidden",
    "staff_legitimate_use_only",
    "staff_misuse_offense",
    "nonpublic_records_access_forbidden",
    "electronic_records_confidential",
    "computer_logs_reviewable",
    "illegal_activity_response",
    "ecpa_disclosure",
    "ecpa_preservation_days",
    "ecpa_renewal_days",
    "preserved_access_requires_process",
    "cybertipline_reporting",
    "attorney_before_report",
    "cameras",
    "footage_retention_days",
    "footage_evidence_kept_longer",
    "footage_archive_viewers",
    "footage_viewing_log",
    "footage_to_law_enforcement",
    "footage_realtime_staff",
    "card_loss_reporting",
    "card_holder_controls_card",
    "email_notice_risk",
    "public_records_custodian",
    "third_party_vendors",
    "officer_form_text_available",
)

# Extra facts documented in docs/packs.md; every pack defines them too.
EXTRA_FACTS = (
    "patron_permission_releases",
    "illegal_activity_may_identify_suspect",
    "service_request_exception",
    "external_sites_not_covered",
    "camera_signage",
    "cameras_excluded_from_private_areas",
    "camera_audio",
    "footage_not_for_staff_monitoring",
)

BOOL_FACTS = {
    "general_confidentiality",
    "court_order_releases",
    "emergency_release",
    "officer_form_text_available",
    "warrant_is_court_order",
    "subpoena_suffices",
    "board_consulted",
    "written_request_required",
    "emergency_identity_only",
    "emergency_excludes_circulation",
    "emergency_probable_cause",
    "policy_copy_to_officer",
    "judicial_review_reserved",
    "gag_order_possible",
    "card_holder_access",
    "patron_self_access",
    "reading_history_opt_in",
    "statistics_publishable",
    "behavioural_not_records",
    "media_disclosure_forbidden",
    "family_disclosure_forbidden",
    "staff_legitimate_use_only",
    "staff_misuse_offense",
    "nonpublic_records_access_forbidden",
    "electronic_records_confidential",
    "computer_logs_reviewable",
    "illegal_activity_response",
    "ecpa_disclosure",
    "preserved_access_requires_process",
    "cybertipline_reporting",
    "attorney_before_report",
    "cameras",
    "footage_evidence_kept_longer",
    "footage_viewing_log",
    "footage_realtime_staff",
    "card_loss_reporting",
    "card_holder_controls_card",
    "email_notice_risk",
    "third_party_vendors",
    *EXTRA_FACTS,
}
NEVER_NULL = {
    "general_confidentiality",
    "emergency_release",
    "officer_form_text_available",
    "court_order_releases",
    "authorized_discloser",
    "request_recipient",
    "parent_access",
}
INT_FACTS = {"ecpa_preservation_days", "ecpa_renewal_days", "footage_retention_days"}
STRING_FACTS = {
    "authorized_discloser",
    "request_recipient",
    "counsel",
    "emergency_form",
    "complaint_route",
    "records_retention",
    "footage_archive_viewers",
    "footage_to_law_enforcement",
    "public_records_custodian",
    "parent_access",
}
PARENT_ACCESS = {"none", "fines-and-fees", "with-child-card", "card-holder-current-items"}


@pytest.fixture(scope="module", params=PACK_IDS)
def pack(request: pytest.FixtureRequest) -> Pack:
    return load_pack(KNOWLEDGE / request.param)


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    return {pid: load_pack(KNOWLEDGE / pid) for pid in PACK_IDS}


# --- text normalisation for comparing with the seeds ----------------------------------------


def _seed_text(pack: Pack) -> str:
    """The policy as received (``source.txt`` beside the pack, named by its ``source``)."""
    assert "source.txt" in pack.source, f"{pack.id}: source {pack.source!r} names no source.txt"
    path = KNOWLEDGE / pack.id / "source.txt"
    assert path.is_file(), f"{pack.id}: {path} missing"
    return path.read_text(encoding="utf-8")


def _drop_page_headers(text: str) -> str:
    """Remove later repeats of the first line: page headers printed on every page."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return text
    header = lines[first].strip()
    kept = lines[: first + 1] + [ln for ln in lines[first + 1 :] if ln.strip() != header]
    return "\n".join(kept)


def _words(text: str) -> list[str]:
    """Words with markup removed: HTML tags, markdown emphasis/headings, rules and bullets."""
    text = re.sub(r"</?[a-zA-Z][^>]*>", " ", text)
    text = text.replace("*", "")
    words = []
    for token in text.split():
        if re.fullmatch(r"#+|-+", token):
            continue
        words.append(token)
    return words


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    first = needle[0]
    return any(
        haystack[i] == first and haystack[i : i + n] == needle for i in range(len(haystack) - n + 1)
    )


# --- loading and the fact contract ----------------------------------------------------------


def test_all_five_packs_exist_and_load(packs: dict[str, Pack]) -> None:
    assert set(BUNDLED) <= set(packs)
    for pid, p in packs.items():
        assert p.id == pid
        assert p.clauses and p.facts


@pytest.mark.parametrize("name", REQUIRED_FACTS + EXTRA_FACTS)
def test_every_fact_is_defined_everywhere(packs: dict[str, Pack], name: str) -> None:
    missing = [pid for pid, p in packs.items() if name not in p.facts]
    assert not missing, f"fact {name} missing in {missing}"


def test_fact_value_types(pack: Pack) -> None:
    for name, fact in pack.facts.items():
        value = fact.value
        if name in NEVER_NULL:
            assert value is not None, f"{pack.id}: {name} must not be null"
        if value is None:
            continue
        if name in BOOL_FACTS:
            assert isinstance(value, bool), f"{pack.id}: {name} must be a bool, got {value!r}"
        elif name in INT_FACTS:
            assert isinstance(value, int) and not isinstance(value, bool), f"{pack.id}: {name}"
        elif name in STRING_FACTS:
            assert isinstance(value, str) and value.strip(), f"{pack.id}: {name} must be text"
    assert pack.facts["parent_access"].value in PARENT_ACCESS


def test_silent_facts_cite_general_confidentiality(pack: Pack) -> None:
    general = set(pack.facts["general_confidentiality"].cite)
    for name, fact in pack.facts.items():
        if fact.value is None:
            assert "silent" in fact.note.lower(), f"{pack.id}: {name} is null; note must say so"
            assert general & set(fact.cite), (
                f"{pack.id}: {name} is null; cite the general confidentiality clause(s)"
            )


def test_every_fact_cites_existing_clauses(pack: Pack) -> None:
    for name, fact in pack.facts.items():
        assert fact.cite, f"{pack.id}: {name} cites nothing"
        for cid in fact.cite:
            assert cid in pack.clauses, f"{pack.id}: {name} cites unknown clause {cid}"


def test_roles(pack: Pack) -> None:
    assert {"privacy-in-charge", "director"} <= set(pack.roles) <= {
        "privacy-in-charge", "director", "stand-in"}
    for role in pack.roles.values():
        assert role.titles and role.cite
        # only a stand-in says whom it replaces, in the policy's words
        assert bool(role.stands_in_for and role.quote) == (role.id == "stand-in")
        for cid in role.cite:
            assert cid in pack.clauses
    assert pack.contacts.get("if_no_answer")


# --- the policy text and its clauses ----------------------------------------------------------


def test_policy_text_has_no_markup(pack: Pack) -> None:
    text = pack.policy_text
    assert "<b>" not in text and "</b>" not in text
    assert "**" not in text
    assert not re.search(r"(?m)^\s*#", text), "markdown heading markers left in policy.txt"
    assert not re.search(r"(?m)^\s*-{3,}", text), "horizontal rules left in policy.txt"
    assert "\n\n\n" not in text
    assert text.endswith("\n") and not text.startswith("\n")


def test_policy_text_is_the_seed_minus_markup(pack: Pack) -> None:
    seed = _seed_text(pack)
    assert _words(pack.policy_text) == _words(_drop_page_headers(seed)), (
        f"{pack.id}: policy.txt adds, drops or changes words compared with its seed"
    )


def test_clauses_are_verbatim_spans(pack: Pack) -> None:
    for clause in pack.clauses.values():
        assert clause.text in pack.policy_text
        assert pack.policy_text[clause.start : clause.end] == clause.text
        assert clause.text == clause.text.strip(), f"{pack.id}: {clause.id} has loose whitespace"


def test_clause_words_appear_in_order_in_seed(pack: Pack) -> None:
    seed_words = _words(_drop_page_headers(_seed_text(pack)))
    for clause in pack.clauses.values():
        words = _words(clause.text)
        assert words, f"{pack.id}: {clause.id} is empty"
        assert _contains_run(seed_words, words), (
            f"{pack.id}: clause {clause.id} is not a run of words in the seed"
        )


def test_every_paragraph_is_covered_by_a_clause(pack: Pack) -> None:
    """Only short heading lines (titles, letterhead) may be left outside every clause."""
    text = pack.policy_text
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        covered = any(c.start <= start and end <= c.end for c in pack.clauses.values())
        if covered:
            continue
        heading_like = len(line.split()) <= 10 and not line.rstrip().endswith((".", ";", ":"))
        assert heading_like, f"{pack.id}: line not covered by any clause: {line[:70]!r}"


def test_clause_ids_follow_the_policy_numbering(packs: dict[str, Pack]) -> None:
    patterns = {
        "mount-prospect": r"(I|II|III|IV)\.[A-H](\.\d+(\.(i|ii))?)?|revision-history",
        "westmont": r"(purpose|requests-for-confidential-information)(\.\d+)?",
        "mahomet": r"V-[AB](\.\d+)?",
        "jackson-county": r"(I|II|III|IV|V|VI|VII|VIII)(\.[a-f](\.\d+)?|\.\d+)?",
        "calumet": r"confidentiality-of-library-patron-records(\.[1-8])?",
    }
    for pid in BUNDLED:
        for cid in packs[pid].clauses:
            assert re.fullmatch(patterns[pid], cid), f"{pid}: unexpected clause id {cid}"


# --- the rules that differ between libraries -------------------------------------------------


def _value(packs: dict[str, Pack], pid: str, name: str) -> object:
    return packs[pid].facts[name].value


def test_parent_access_per_library(packs: dict[str, Pack]) -> None:
    expected = {
        "mount-prospect": "none",
        "westmont": "none",
        "mahomet": "fines-and-fees",
        "jackson-county": "with-child-card",
        "calumet": "card-holder-current-items",
    }
    assert {pid: _value(packs, pid, "parent_access") for pid in BUNDLED} == expected


def test_emergency_rules(packs: dict[str, Pack]) -> None:
    assert _value(packs, "jackson-county", "emergency_release") is False
    assert _value(packs, "jackson-county", "emergency_form") is None
    for pid in ("mount-prospect", "westmont", "mahomet", "calumet"):
        assert _value(packs, pid, "emergency_release") is True, pid
    assert _value(packs, "calumet", "emergency_form") is None
    assert _value(packs, "mount-prospect", "emergency_form") == (
        "Officer's Request for Confidential Library Information Form"
    )
    assert "Appendix 9" in _value(packs, "mahomet", "emergency_form")
    assert "signed by the officer" in _value(packs, "westmont", "emergency_form")
    assert _value(packs, "westmont", "emergency_probable_cause") is True
    assert _value(packs, "mahomet", "emergency_probable_cause") is True
    assert _value(packs, "westmont", "policy_copy_to_officer") is True
    assert _value(packs, "westmont", "judicial_review_reserved") is True
    assert _value(packs, "westmont", "officer_form_text_available") is True
    for pid in ("mount-prospect", "mahomet", "jackson-county", "calumet"):
        assert _value(packs, pid, "officer_form_text_available") is False, pid


def test_legal_process_rules(packs: dict[str, Pack]) -> None:
    assert _value(packs, "calumet", "subpoena_suffices") is True
    assert _value(packs, "jackson-county", "subpoena_suffices") is True
    for pid in ("mount-prospect", "westmont", "mahomet"):
        assert _value(packs, pid, "subpoena_suffices") is False, pid
    assert _value(packs, "mount-prospect", "warrant_is_court_order") is True
    assert _value(packs, "jackson-county", "board_consulted") is True
    assert _value(packs, "jackson-county", "written_request_required") is True
    assert _value(packs, "jackson-county", "counsel") == "District Counsel"
    assert _value(packs, "jackson-county", "gag_order_possible") is True
    assert _value(packs, "mahomet", "authorized_discloser") == "the Director"
    assert _value(packs, "calumet", "authorized_discloser") == "the library administrator"


def test_ecpa_and_footage_numbers(packs: dict[str, Pack]) -> None:
    assert _value(packs, "mount-prospect", "ecpa_preservation_days") == 90
    assert _value(packs, "mount-prospect", "ecpa_renewal_days") == 90
    assert _value(packs, "mount-prospect", "cybertipline_reporting") is True
    assert _value(packs, "mahomet", "footage_retention_days") == 30
    assert _value(packs, "mahomet", "footage_archive_viewers") == (
        "the library director and the business manager"
    )
    for pid in ("westmont", "mahomet", "jackson-county", "calumet"):
        assert _value(packs, pid, "ecpa_preservation_days") is None, pid
    for pid in ("mount-prospect", "westmont", "jackson-county", "calumet"):
        assert _value(packs, pid, "footage_retention_days") is None, pid


def test_jurisdictions(packs: dict[str, Pack]) -> None:
    assert packs["jackson-county"].jurisdiction == "Oregon"
    assert packs["calumet"].jurisdiction is None
    for pid in ("mount-prospect", "westmont", "mahomet"):
        assert packs[pid].jurisdiction == "Illinois"


def test_quoted_values_appear_in_the_policy(packs: dict[str, Pack]) -> None:
    """Forms and titles staff are told to ask for must be the policy's own words."""
    for pid, p in packs.items():
        form = p.facts["emergency_form"].value
        if form and pid != "westmont":  # Westmont's "form" is a description: the signed policy
            name = form.split(" (")[0]
            assert name in p.policy_text, f"{pid}: form {name!r} not in policy"
        for role in p.roles.values():
            for title in role.titles:
                assert title.split(" (")[0] in p.policy_text, f"{pid}: title {title!r}"
