"""Follow-ups by rule: pure functions of the form and its answers."""

from __future__ import annotations

from amtsbote.eforms.rules import FollowUp, follow_ups


def codes(form: str, data) -> list[str]:
    return [item.document_type_code for item in follow_ups(form, data).items]


def test_a_move_asks_for_rent_contract_and_registration():
    assert codes("veraenderungsmitteilung", {"parts": {"parts": ["move"]}}) == [
        "mietvertrag",
        "meldebescheinigung",
    ]


def test_a_new_job_asks_for_contract_and_pay_slip_a_pay_change_only_for_the_slip():
    new_job = {"parts": {"parts": ["income"]}, "income": {"change": "new_job"}}
    assert codes("veraenderungsmitteilung", new_job) == ["arbeitsvertrag", "lohnabrechnung"]
    pay = {"parts": {"parts": ["income"]}, "income": {"change": "pay_change"}}
    assert codes("veraenderungsmitteilung", pay) == ["lohnabrechnung"]
    ended = {"parts": {"parts": ["income"]}, "income": {"change": "job_ended"}}
    assert codes("veraenderungsmitteilung", ended) == []


def test_a_person_moving_in_is_asked_for_that_persons_documents():
    data = {
        "parts": {"parts": ["move", "household"]},
        "household": {"change": "moves_in", "first_name": "Omar", "last_name": "Haddad"},
    }
    items = follow_ups("veraenderungsmitteilung", data).items
    assert items == (
        FollowUp("mietvertrag"),
        FollowUp("meldebescheinigung"),
        FollowUp("personalausweis", "von Omar Haddad"),
        FollowUp("meldebescheinigung", "von Omar Haddad"),
        FollowUp("einkommensbescheinigung", "von Omar Haddad"),
    )


def test_a_bank_account_or_a_person_moving_out_asks_for_nothing():
    assert codes("veraenderungsmitteilung", {"parts": {"parts": ["bank"]}}) == []
    data = {"parts": {"parts": ["household"]}, "household": {"change": "moves_out"}}
    assert codes("veraenderungsmitteilung", data) == []


def test_answers_of_steps_that_were_not_chosen_are_ignored():
    data = {"parts": {"parts": ["bank"]}, "income": {"change": "new_job"}}
    assert codes("veraenderungsmitteilung", data) == []


def test_other_forms():
    wba = {"changes": {"income": "yes", "assets": "yes", "household": "no"}}
    assert codes("weiterbewilligungsantrag", wba) == ["einkommensbescheinigung", "kontoauszug"]
    au = follow_ups("arbeitsunfaehigkeit", {})
    assert [i.document_type_code for i in au.items] == ["au_bescheinigung"]
    assert au.teams[0] == "Markt & Integration"
    assert codes("ortsabwesenheit", {}) == []
    assert codes("termin", {}) == []
