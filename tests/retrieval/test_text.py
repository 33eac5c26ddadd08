"""Query cleaning, shorthand, typo correction and code finding (no model needed)."""

from __future__ import annotations

import pytest

from retrieval.codes import find_codes, find_descriptors
from retrieval.errors import QueryError
from retrieval.text import MAX_QUERY_CHARS, Speller, clean_query, default_lexicon

BAD_QUERIES = {
    "empty": "",
    "whitespace": " \n\t  ",
    "control characters only": "\x00\x01\x07\x1b",
    "10,000 characters": "is 77370 billable? " * 530,
}


@pytest.mark.parametrize("query", BAD_QUERIES.values(), ids=list(BAD_QUERIES))
def test_unusable_queries_get_a_clear_error(query: str) -> None:
    with pytest.raises(QueryError) as err:
        clean_query(query)
    assert "question" in str(err.value).lower()


def test_long_query_message_says_the_limit() -> None:
    with pytest.raises(QueryError, match=f"{MAX_QUERY_CHARS:,}"):
        clean_query("x" * (MAX_QUERY_CHARS + 1))


def test_control_characters_and_odd_whitespace_are_dropped() -> None:
    assert clean_query("can\x00 we\tbill\u200b 77370?\n") == "can we bill 77370?"


def test_markup_is_kept_as_plain_text() -> None:
    assert clean_query("<script>alert(1)</script>") == "<script>alert(1)</script>"


def test_shorthand_and_spelled_out_forms_meet() -> None:
    lex = default_lexicon()
    assert "sbrt" in lex.terms("stereotactic body radiation therapy")
    assert "sbrt" in lex.terms("SBRT")
    assert "qmp" in lex.terms("a qualified medical physicist")
    assert "oar" in lex.terms("organs-at-risk (OAR)")
    assert "physician" in lex.terms("can the MD sign") and "physician" in lex.terms("doctor")
    assert lex.modalities_in(lex.terms("IMRT planning")) == {"imrt"}
    assert "stereotactic body radiation therapy" in lex.spell_out("SBRT supervision")


def test_speller_fixes_typos_to_known_words_only() -> None:
    lex = default_lexicon()
    speller = Speller(lex.words("physics supervision dosimetrist treatment"), lex.stopwords)
    fixes = speller.corrections(["phyics", "supervison", "tretment", "weather", "77370"])
    assert fixes == {"phyics": "physics", "supervison": "supervision", "tretment": "treatment"}


def test_an_english_word_is_not_corrected_to_a_word_with_another_first_letter() -> None:
    """"tangents" is two edits from "agents", but it is a word the knowledge base does not use,
    not a slip; a misspelling keeps its first letter ("tretment") or is no English word."""
    speller = Speller(["agents", "treatment", "tangential"])
    assert speller.corrections(["tangents", "tretment", "reatment"]) == {
        "tretment": "treatment", "reatment": "treatment"}


def test_codes_found_in_text() -> None:
    assert find_codes("bill 77370 and G6015, not 2023 or 0394T; 99213-25") == [
        "77370", "G6015", "0394T", "99213"]
    assert find_codes("no codes here, 1234 or 123456") == []


def test_descriptors_in_both_published_forms() -> None:
    text = ("CPT® code 77370 (Special medical radiation physics consultation) is used... "
            "part of the Continuing Physics Consultation (CPT code 77336) must")
    assert find_descriptors(text) == {
        "77370": "Special medical radiation physics consultation",
        "77336": "Continuing Physics Consultation",
    }


# -- the thesaurus: general mappings, and the wrong ones the issue lists stay fixed ---------------
SAME = [  # (a coder's wording, the document's wording): both reach the same term
    ("proton", "particle beam"), ("SBRT", "SABR"), ("SBRT", "stereotactic body radiotherapy"),
    ("SRS", "radiosurgery"), ("IGRT", "image guidance"), ("port films", "portal images"),
    ("4D CT", "respiratory motion management"), ("HDR", "brachytherapy"),
    ("LDR", "brachytherapy"), ("IMRT", "intensity modulated"), ("VMAT", "IMRT"),
    ("TSEI", "total skin electron therapy"), ("TRUS", "transrectal ultrasound"),
    ("FIF", "field-in-field"), ("BID", "twice-daily fractionation"),
    ("QMP", "physicist"), ("MD", "radiation oncologist"), ("CMD", "dosimetrist"),
    ("RTT", "radiation therapist"), ("thermoplastic mask", "immobilization"),
    ("vac-lok", "vacuum bag"), ("wing board", "immobilization"),
    ("MLC", "multileaf collimator"), ("order", "request"), ("prescription", "request"),
    ("write-up", "report"), ("charge", "bill"), ("submit", "bill"), ("mod", "modifier"),
    ("mgmt", "management"), ("calcs", "calculations"), ("IMPT", "proton"),
    ("units", "how many"), ("weekly mgmt", "radiation treatment management"),
    ("continuing physics consult", "77336"), ("Dr", "physician"), ("chargeable", "billable"),
    ("CIED", "pacemaker"), ("2 fx", "two fractions"), ("8 sources", "eight sources"),
    ("the 2nd treatment", "the second treatment"), ("intraop electrons", "IORT"),
    ("intraoperative radiation", "intraoperative radiation therapy"),
    ("PBS", "pencil-beam scanning"), ("T&O", "tandem and ovoids"), ("same DOS", "same date"),
    ("pro fee", "professional component"), ("our doc", "the radiation oncologist"),
    ("wkly chart checks", "weekly"), ("hospital dept", "department"),
    ("QMPs", "qualified medical physicist"),
    ("in the dept", "on site"), ("H&N", "head and neck"), ("bone mets", "bone metastasis"),
    ("brain metastases", "brain metastasis"), ("Y90", "yttrium-90"), ("SIRT", "Y-90 microspheres"),
]


@pytest.mark.parametrize(("a", "b"), SAME, ids=[f"{a}={b}" for a, b in SAME])
def test_synonyms_a_coder_would_accept_meet(a: str, b: str) -> None:
    lex = default_lexicon()
    ta, tb = lex.terms(a), lex.terms(b)
    assert set(ta) & set(tb) or lex.roles_in(ta) & lex.roles_in(tb), (ta, tb)


def test_weekly_in_the_name_of_weekly_management_asks_no_frequency() -> None:
    lex = default_lexicon()
    assert "week" not in lex.terms("how many weekly management units for 17 fractions")
    assert "week" in lex.terms("is 77336 billed weekly?")
    for shorthand in ("bill another wk mgmt?", "wkly mgmt for 13 fx"):
        assert "week" not in lex.terms(shorthand)


def test_mappings_the_issue_found_wrong_stay_apart() -> None:
    lex = default_lexicon()

    def term(word: str) -> str:
        return lex.terms(word)[0]

    assert term("frequency") not in lex.terms("can we bill it once a patient has finished?")
    assert term("frequency") in lex.terms("may we bill it once per course?")
    assert term("supervision") not in lex.terms("insurance coverage for SBRT")
    assert term("payment") not in lex.terms("HDR dose rate")
    assert term("quantity") not in lex.terms("monitor units in the plan")
    assert term("remote") not in lex.terms("virtual simulation")
    assert term("dosimetrist") not in lex.terms("basic dosimetry calculation")
    assert lex.roles_in(lex.terms("basic dosimetry calculation")) == frozenset()
    assert lex.terms("metastases")[0] not in lex.terms("the supervision criteria are met")


def test_a_count_in_words_is_its_digits_but_one_stays_a_pronoun() -> None:
    lex = default_lexicon()
    assert lex.terms("twelve channels, three or four fractions") == ["12", "channel", "3", "4",
                                                                      "treatment"]
    # "the one on 77435" names no count; "1" in a question is a count the document must state
    assert lex.terms("the one on 77435") == ["77435"]


def test_stopwords_with_apostrophes_match_what_the_tokenizer_yields() -> None:
    lex = default_lexicon()
    assert lex.terms("it's what I'm asking, let's see, we're sure") == ["ask", "see"]
    assert lex.terms("it’s") == []  # typographic apostrophe too


def test_only_acronyms_are_spelled_out_for_the_dense_query() -> None:
    lex = default_lexicon()
    assert lex.spell_out("VMAT plan") == "VMAT plan (intensity modulated radiation therapy)"
    assert lex.spell_out("who must sign the chart") == "who must sign the chart"


# -- questions typed without spaces -------------------------------------------------------------
def _speller() -> Speller:
    lex = default_lexicon()
    vocab = lex.words("the physicist and the dosimetrist: sbrt supervision, weekly chart checks, "
                      "treatment, billing")
    known = set(lex.stopwords) | set(lex.synonyms) | set(lex.phrases.values())
    return Speller(vocab, known, canonical=set(lex.phrases.values()))


@pytest.mark.parametrize(("typed", "read"), [
    ("canwebill77370aftertreatment", "can we bill 77370 after treatment"),
    ("CANWEBILL77370AFTERTREATMENT", "CAN WE BILL 77370 AFTER TREATMENT"),
    ("isthedosimetristsupervisedforweeklychartchecks",
     "is the dosimetrist supervised for weekly chart checks"),
    ("G6015andG6016together", "G6015 and G6016 together"),
])
def test_run_together_words_are_split_with_codes_kept_whole(typed: str, read: str) -> None:
    assert _speller().split_runs(typed) == read


@pytest.mark.parametrize("text", [
    "electrocardiographically", "qwzxkjhgfdsapoiuy", "77370", "stereotactic radiosurgery",
    "can we bill 77370 after treatment",
])
def test_long_real_words_gibberish_and_spaced_text_stay_as_typed(text: str) -> None:
    assert _speller().split_runs(text) == text


@pytest.mark.parametrize("question", [
    "what's the RVU for 77336?", "77385 APC under OPPS", "national payment for G6015",
    "payment rate for 77300", "what's the medicare rate for 77525",
    "the medicare allowable for 77338", "77332 reimbursement amount"])
def test_how_much_a_code_pays_is_its_own_aspect(question: str) -> None:
    lex = default_lexicon()
    asked = lex.aspects_in(lex.terms(question))
    assert asked & lex.aspects_in(lex.terms("payrate"))
    # an entry that only says whether something is paid does not give an amount
    assert not asked & lex.aspects_in(lex.terms("it is not paid separately"))


@pytest.mark.parametrize(("question", "entry"), [
    ("MUE limit for 77300 per day", "the medically unlikely edit for 77300 is one per day"),
    ("what is the global period for 77469", "77469 has a 90-day global period"),
    ("place of service for a freestanding center", "report place of service 11"),
])
def test_payer_edits_and_claim_fields_are_aspects_an_entry_must_name(question: str,
                                                                     entry: str) -> None:
    lex = default_lexicon()
    asked = lex.aspects_in(lex.terms(question))
    assert asked and asked <= frozenset(lex.terms(entry))
    assert not asked & frozenset(lex.terms("report 77300 once for each calculation"))


def test_asking_for_the_g_code_is_a_payer_scope_an_entry_must_name() -> None:
    lex = default_lexicon()
    for question in ("which G code for a single area", "freestanding: 77412 or the g-codes?"):
        asked = lex.aspects_in(lex.terms(question))
        assert asked and asked <= frozenset(lex.terms("Medicare requires the G-codes"))
        assert not asked & frozenset(lex.terms("report 77412 for complex delivery"))


@pytest.mark.parametrize("text", ["what does medicare pay for it?", "what are the RVUs on it?",
                                  "the wRVU for 77427", "what does the fee schedule pay?",
                                  "reimbursement rate for 77336"],
                         ids=["pay", "rvu", "wrvu", "fee schedule", "reimbursement rate"])
def test_a_payment_question_asks_a_payment_aspect(text: str) -> None:
    # whether a code is paid, or how much it pays: either way an entry must speak of payment
    lex = default_lexicon()
    payment = {lex.terms("payment")[0], lex.terms("payrate")[0]}
    assert payment & lex.aspects_in(lex.terms(text))


def test_the_hospital_setting_meets_the_hospital_outpatient_department() -> None:
    # "and in the hospital?" after a freestanding question asks about the HOPD setting
    lex = default_lexicon()
    hopd = set(lex.terms("hospital outpatient department"))
    assert hopd == {"hopd"}
    assert hopd <= set(lex.terms("and in the hospital?"))
    assert hopd <= set(lex.terms("hospital-based departments"))


@pytest.mark.parametrize("text", [
    "and how\nmany units are billed",     # a hard-wrapped answer breaks the phrase over a line
    "and how  many units are billed",     # typed with two spaces
    "and how\r\n   many units are billed",
])
def test_a_phrase_broken_over_a_line_is_the_same_phrase(text: str) -> None:
    lex = default_lexicon()
    assert lex.terms(text) == lex.terms("and how many units are billed")
    assert "quantiti" in lex.terms(text)


@pytest.mark.parametrize("text", ["is 77336 allowable with 77370?", "dose rate for HDR"])
def test_allowable_and_rate_alone_ask_no_amount(text: str) -> None:
    # "allowable" alone means permitted, a bare "rate" may be a dose rate
    lex = default_lexicon()
    assert lex.terms("payrate")[0] not in lex.terms(text)
