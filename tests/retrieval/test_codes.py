"""Codes as a document gives them: ranges, lists, roles, descriptors."""

from __future__ import annotations

import pytest

from retrieval.codes import (
    code_roles,
    document_codes,
    find_codes,
    find_descriptors,
    find_ranges,
    listed_codes,
)


@pytest.mark.parametrize("text", ["77280-77290", "77280–77290", "77280 — 77290",
                                  "77280 through 77290", "77280 thru 77290"],
                         ids=["hyphen", "en dash", "em dash spaced", "through", "thru"])
def test_a_range_covers_every_code_between_its_ends(text: str) -> None:
    assert document_codes(f"simulation ({text}) is separate") == [
        f"772{n}" for n in range(80, 91)]
    assert find_codes(text) == ["77280", "77290"]  # what was typed, for questions


def test_hcpcs_ranges_and_ends_of_different_families() -> None:
    assert document_codes("G6003-G6006") == ["G6003", "G6004", "G6005", "G6006"]
    assert document_codes("77280-77399") == ["77280", "77399"]  # two families: two codes
    assert document_codes("0394T-0396T") == ["0394T", "0396T"]  # not a numeric family


def test_a_backwards_range_is_flagged_and_read_low_to_high() -> None:
    (r,) = find_ranges("report 77290-77280 once")
    assert r.backwards and r.codes()[0] == "77280" and r.codes()[-1] == "77290"
    assert not find_ranges("77280-77290")[0].backwards


def test_lists_ranges_negated_pairs_and_table_rows_are_mentions() -> None:
    text = ("Report 77336 weekly. It should not be reported with 77470 or 77427. "
            "Simulation (77280-77282) is separate; so are 77261, 77262, 77263.\n"
            "Code | Descriptor\n77332 | Devices, simple\n77333 | Devices, intermediate\n\n"
            "Code | Weekly\n77334 | Yes\n77338 | No")
    # rows that only list codes are mentions; a row whose cell says Yes/No is guidance on its code
    assert listed_codes(text) == {"77470", "77427", "77280", "77281", "77282", "77261",
                                  "77262", "77263", "77332", "77333"}


def test_an_entry_is_about_its_question_codes_and_its_answer_s_own() -> None:
    roles = code_roles("Can 77427 be billed with IGRT?",
                       "Yes; 77427 and 77387 may both be reported. Never with 77431, 77432.")
    assert roles == {"77427": "about", "77387": "about", "77431": "mention",
                     "77432": "mention"}
    roles = code_roles("Which devices go with 77301?", "77332, 77333 and 77334 may be reported "
                       "with 77301.")
    assert roles["77301"] == "about" and roles["77333"] == "mention"


def test_a_single_code_the_answer_says_not_to_bill_is_still_its_subject() -> None:
    assert code_roles("How is IORT coded?", "Do not report 77469 for the planning.") == {
        "77469": "about"}


def test_an_entry_naming_no_code_on_its_own_is_about_the_family_its_answer_opens_with() -> None:
    answer = ("The hyperthermia codes (77600-77620) include the physics planning and three "
              "months of follow-up. Radiation given with them, such as 77427, 77470 and 77431, "
              "is billed separately.")
    roles = code_roles("Does hyperthermia include follow-up?", answer)
    about = {c for c, r in roles.items() if r == "about"}
    assert {"77600", "77605", "77620"} <= about and "77427" not in about
    # an entry that is about a code of its own keeps every listed code a mention
    roles = code_roles("Is 77470 billed with hyperthermia?", answer)
    assert roles["77470"] == "about" and roles["77605"] == "mention"


@pytest.mark.parametrize("text,expected", [
    ("CPT® code 77370 (Special medical radiation physics consultation) is used",
     {"77370": "Special medical radiation physics consultation"}),
    ("see 77417 (Therapeutic radiology port image(s)) weekly",
     {"77417": "Therapeutic radiology port image(s)"}),
    ("the Continuing Physics Consultation (CPT code 77336) must",
     {"77336": "Continuing Physics Consultation"}),
    ("- 77336 – Continuing medical physics consultation\n",
     {"77336": "Continuing medical physics consultation"}),
    ("Code | Descriptor\n77338 | Multi-leaf collimator (MLC) device(s) for IMRT\n",
     {"77338": "Multi-leaf collimator (MLC) device(s) for IMRT"}),
    ("seeds for 77778 (prostate) were placed", {}),
    ("77778 (Prostate)", {}),
    ("report 77300 (Also see the planning page)", {}),
    ("77336 – Continuing consultation is reported weekly.\n", {}),
    ("77427 (5 fractions)", {}),
], ids=["code (descriptor)", "nested parentheses", "descriptor (CPT code)", "dash line",
        "code | descriptor table", "lower-case aside", "one word", "cross-reference",
        "a sentence after a dash", "a count"])
def test_descriptors_only_from_descriptor_phrasing(text: str, expected: dict[str, str]) -> None:
    assert find_descriptors(text) == expected


def test_a_code_named_on_its_own_once_is_about_even_if_also_listed() -> None:
    answer = ("Report 77387 for the imaging.\nSetting | Code\nHospital | 77387\nOffice | G6002\n"
              "It is not reported with 77014 or 77387.")
    assert listed_codes(answer) == {"G6002", "77014"}
    assert code_roles("How is IGRT reported?", answer) == {
        "77387": "about", "G6002": "mention", "77014": "mention"}


@pytest.mark.parametrize(("text", "codes", "terms"), [
    ("and the 77373s?", ["77373"], ["77373"]),
    ("how many 77300's with a 3d plan", ["77300"], ["quantiti", "77300", "3d", "plan"]),
    ("how many 77300’s", ["77300"], ["quantiti", "77300"]),
    ("two G6015s or one 0394Ts", ["G6015", "0394T"], ["2", "g6015", "0394t"]),
    ("77336s' weekly count", ["77336"], ["77336", "week", "count"]),
], ids=["plural", "possessive", "curly possessive", "hcpcs and category III", "plural possessive"])
def test_a_code_written_as_a_noun_is_the_code(text: str, codes: list[str],
                                              terms: list[str]) -> None:
    from retrieval.text import default_lexicon

    assert find_codes(text) == codes
    assert default_lexicon().terms(text) == terms


@pytest.mark.parametrize("text", ["the 1990s", "773735", "77373st", "A1234567s"],
                         ids=["decade", "six digits", "other suffix", "long id"])
def test_numbers_that_are_not_codes_stay_out(text: str) -> None:
    assert find_codes(text) == []


def test_a_descriptor_table_cell_is_the_code_itself() -> None:
    table = "Code | Descriptor\n77300s | Basic dosimetry\n77301 | IMRT plan"
    assert find_descriptors(table) == {"77301": "IMRT plan"}
