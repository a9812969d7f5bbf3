"""Departments hear about subjects they checked (R-LST-3), in the inbox and on webhooks."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
from collections.abc import Iterator

import pytest

from xinyong.jrp.checking import Query, run_check
from xinyong.jrp.models import Delivery, Notice, Webhook
from xinyong.jrp.notify import deliver_due
from xinyong.lists.services import remove_entry

from .conftest import BAD_COMPANY, County


class _Hook(http.server.BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook_server() -> Iterator[str]:
    _Hook.received = []
    _Hook.status = 200
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def test_a_department_is_told_when_a_subject_it_checked_leaves_a_list(
    county: County, market_submitter, tax_submitter, operator, django_capture_on_commit_callbacks
) -> None:
    run_check(tax_submitter, tax_submitter.department, "zfcg", [Query(BAD_COMPANY)])
    with django_capture_on_commit_callbacks(execute=True):
        remove_entry(operator, county.serious, "行政处罚决定被复议撤销")
    (notice,) = Notice.objects.filter(department=tax_submitter.department)
    assert "移出" in notice.title and "行政处罚决定被复议撤销" in notice.body
    assert notice.subject == county.bad
    # The market department never checked the subject: it is not told.
    assert not Notice.objects.filter(department=market_submitter.department).exists()


def test_notices_are_posted_signed_and_retried_until_delivered(
    county: County, tax_submitter, operator, hook_server, django_capture_on_commit_callbacks
) -> None:
    hook = Webhook.objects.create(department=tax_submitter.department, url=hook_server)
    run_check(tax_submitter, tax_submitter.department, "zfcg", [Query(BAD_COMPANY)])
    with django_capture_on_commit_callbacks(execute=True):
        remove_entry(operator, county.serious, "行政处罚决定被复议撤销")
    _Hook.status = 500
    assert deliver_due() == (0, 1)
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.next_attempt_at is not None
    assert "500" in delivery.last_error
    assert deliver_due() == (0, 0)  # not due again yet

    _Hook.status = 200
    assert deliver_due(delivery.next_attempt_at) == (1, 0)
    headers, body = _Hook.received[-1]
    expected = hmac.new(
        hook.secret.encode(), headers["X-Xinyong-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Xinyong-Signature"] == f"sha256={expected}"
    assert json.loads(body)["subject"]["code"] == BAD_COMPANY
    assert deliver_due(delivery.next_attempt_at) == (0, 0)  # delivered once only


def test_the_credit_offices_own_checks_have_no_inbox_to_notify(
    county: County, tax_submitter, operator, django_capture_on_commit_callbacks
) -> None:
    run_check(operator, None, "zfcg", [Query(BAD_COMPANY)])
    run_check(tax_submitter, tax_submitter.department, "zfcg", [Query(BAD_COMPANY)])
    with django_capture_on_commit_callbacks(execute=True):
        remove_entry(operator, county.serious, "行政处罚决定被复议撤销")
    assert list(Notice.objects.values_list("department", flat=True)) == [
        tax_submitter.department_id
    ]
