# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""A follow-up asking what a code pays is not answered by an entry that only names the fee
schedule a code is paid under (real model, real Chroma; a fictional publisher's document)."""

from __future__ import annotations

import pytest

from retrieval.retriever import Retriever
from tests.kb import retriever_over

pytestmark = pytest.mark.slow

DELIVERY = """Delivery Billing Notes

Coding Question: Our freestanding center bills G-codes for photon delivery but the hospital down the road bills CPT codes. Why the difference?

Coding Answer: Medicare pays freestanding centers for photon treatment delivery under the Physician Fee Schedule, which uses the G-codes G6003 through G6014. Hospital outpatient departments are paid under the hospital outpatient payment system and keep reporting the CPT delivery codes 77402, 77407 and 77412.

Coding Question: How do we decide between 77402, 77407 and 77412?

Coding Answer: The delivery level follows the highest energy used in the session: 77402 up to 5 MV, 77407 from 6 to 10 MV, and 77412 at 11 MV and above. Document the energy of every field in the treatment record.

Coding Question: Can we report 77417 for port films taken during delivery?

Coding Answer: 77417 reports the port films of one course week; it is reported once per week of treatment, not per film.

References:
Example Radiation Billing Society notes, 2025

Disclaimer: These notes are the opinions of the Example Radiation Billing Society, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path_factory.mktemp("follow-up-payment"), real_embedder,
                          {"delivery-billing.txt": DELIVERY})


def test_the_fee_schedule_entry_names_payment_but_no_amount(delivery: Retriever) -> None:
    index = delivery.index()
    terms = index.entry_terms[index.position["delivery-billing:1"]]
    assert "payment" in terms and "payrat" not in terms


@pytest.mark.parametrize("question", ["what does medicare pay for it?",
                                      "how much is the reimbursement for that?"])
def test_asking_what_it_pays_abstains_and_says_why(delivery: Retriever, question: str) -> None:
    context = ["why do freestanding centers use G-codes for delivery?"]
    assert delivery.ask(context[0]).top.entry.id == "delivery-billing:1"
    a = delivery.ask(question, context=context)
    assert a.abstained and a.results == () and a.turn == "follow_up"
    assert a.read_as and a.reason.startswith(a.read_as + ": it asks about the payment amount")
    # the entry that names the fee schedule is still offered as the closest
    assert "delivery-billing:1" in [m.entry.id for m in a.suggestions]
