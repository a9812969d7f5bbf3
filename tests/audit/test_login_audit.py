"""Sign-ins are in the audit log (R-SEC-2): who, when, from where; failures too."""

from xinyong.audit.models import AuditEvent


def test_a_sign_in_and_a_failed_one_are_audited(client, operator):
    client.post("/admin/login/", {"username": "xyb", "password": "wrong-password"})
    assert client.login(username="xyb", password="pw-operator-1")
    events = list(AuditEvent.objects.filter(action="login").order_by("id"))
    assert [e.summary for e in events] == ["登录失败：用户名“xyb”", "xyb 登录"]
    assert "wrong-password" not in str([e.detail for e in events])
