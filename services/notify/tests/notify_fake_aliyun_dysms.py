"""The dysmsapi actions of the fake Aliyun SMS server: SendSms checks and records, QuerySendDetails
answers from those records, and SmsReport pushes built from them.

Plain functions over the fake's state; `notify_fake_aliyun` holds the state, the scripting and
the HTTP server.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from notify.channels.aliyun_receipts import SHANGHAI

MAX_NUMBERS = 1000
PHONE = re.compile(r"^(?:\+86|0086|86)?(1[3-9]\d{9})$")
MESSAGES = {
    "isv.SMS_SIGNATURE_ILLEGAL": "该账号下找不到对应签名",
    "isv.SMS_TEMPLATE_ILLEGAL": "该账号下找不到对应模板",
    "isv.INVALID_JSON_PARAM": "JSON参数不合法，只接受字符串值",
    "isv.TEMPLATE_MISSING_PARAMETERS": "模板变量缺少对应参数值",
    "isv.MOBILE_NUMBER_ILLEGAL": "非法手机号",
    "isv.MOBILE_COUNT_OVER_LIMIT": "手机号码数量超过限制",
    "isv.INVALID_PARAMETERS": "参数异常",
    "isv.BUSINESS_LIMIT_CONTROL": "触发分钟级流控Permits:1",
    "isp.SYSTEM_ERROR": "系统异常",
}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass
class SentSms:
    """One number reached by a SendSms call, and how its delivery ends."""

    phone: str
    sign_name: str
    template_code: str
    params: dict[str, str]
    out_id: str
    biz_id: str
    sent_at: datetime
    send_status: int = 3  # 1 waiting for the receipt, 2 failed, 3 delivered
    err_code: str = "DELIVERED"


@dataclass
class Answer:
    """What the server answers: a status and a JSON body (or raw bytes), maybe after a hang."""

    status: int
    body: dict[str, Any] | None = None
    raw: bytes | None = None
    hang: float = 0.0


def request_id() -> str:
    """A RequestId as Aliyun writes them."""
    return str(uuid.uuid4()).upper()


def error(status: int, code: str, message: str | None = None) -> Answer:
    """Aliyun's error body: Code, Message, RequestId."""
    text = MESSAGES.get(code, code) if message is None else message
    return Answer(status, {"Code": code, "Message": text, "RequestId": request_id()})


def missing(params: Mapping[str, str], names: tuple[str, ...]) -> Answer | None:
    """HTTP 400 `Missing<Name>` for the first required parameter that is absent."""
    for name in names:
        if not params.get(name):
            return error(400, f"Missing{name}", f"{name} is mandatory for this action.")
    return None


def national(phone: str) -> str:
    """A number without its +86 / 0086 / 86 prefix."""
    match = PHONE.match(phone)
    return match.group(1) if match else phone


def check_send(
    params: Mapping[str, str], sign_name: str, templates: Mapping[str, tuple[str, ...]]
) -> str | None:
    """The error code SendSms gives these parameters, None when they are acceptable."""
    if params["SignName"] != sign_name:
        return "isv.SMS_SIGNATURE_ILLEGAL"
    variables = templates.get(params["TemplateCode"])
    if variables is None:
        return "isv.SMS_TEMPLATE_ILLEGAL"
    try:
        values = json.loads(params.get("TemplateParam") or "{}")
    except ValueError:
        return "isv.INVALID_JSON_PARAM"
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return "isv.INVALID_JSON_PARAM"
    if any(name not in values for name in variables):
        return "isv.TEMPLATE_MISSING_PARAMETERS"
    phones = params["PhoneNumbers"].split(",")
    if len(phones) > MAX_NUMBERS:
        return "isv.MOBILE_COUNT_OVER_LIMIT"
    if not all(PHONE.match(phone) for phone in phones):
        return "isv.MOBILE_NUMBER_ILLEGAL"
    return None


def records(
    params: Mapping[str, str],
    biz_id: str,
    at: datetime,
    outcomes: Mapping[str, tuple[int, str]],
) -> list[SentSms]:
    """One record per number of an accepted SendSms, each ending as `outcomes` says."""
    values = json.loads(params.get("TemplateParam") or "{}")
    sent = []
    for raw in params["PhoneNumbers"].split(","):
        phone = national(raw)
        status, err_code = outcomes.get(phone, (3, "DELIVERED"))
        sent.append(
            SentSms(
                phone=phone,
                sign_name=params["SignName"],
                template_code=params["TemplateCode"],
                params=values,
                out_id=params.get("OutId", ""),
                biz_id=biz_id,
                sent_at=at,
                send_status=status,
                err_code=err_code if status != 1 else "",
            )
        )
    return sent


def query_send_details(params: Mapping[str, str], sent: list[SentSms]) -> Answer:
    """QuerySendDetails over the records: one number, one day (Asia/Shanghai), one page."""
    refused = missing(params, ("PhoneNumber", "SendDate", "PageSize", "CurrentPage"))
    if refused:
        return refused
    try:
        size, page = int(params["PageSize"]), int(params["CurrentPage"])
        datetime.strptime(params["SendDate"], "%Y%m%d")
    except ValueError:
        return error(200, "isv.INVALID_PARAMETERS")
    if not 1 <= size <= 50 or page < 1:
        return error(200, "isv.INVALID_PARAMETERS")
    phone, biz_id = national(params["PhoneNumber"]), params.get("BizId")
    found = [
        sms
        for sms in sent
        if sms.phone == phone
        and sms.sent_at.astimezone(SHANGHAI).strftime("%Y%m%d") == params["SendDate"]
        and (not biz_id or sms.biz_id == biz_id)
    ]
    details = [_detail(sms) for sms in found[(page - 1) * size : page * size]]
    body = {"Code": "OK", "Message": "OK", "RequestId": request_id(), "TotalCount": len(found)}
    return Answer(200, {**body, "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}})


def _detail(sms: SentSms) -> dict[str, Any]:
    sent = sms.sent_at.astimezone(SHANGHAI)
    return {
        "PhoneNum": sms.phone,
        "SendStatus": sms.send_status,
        "ErrCode": sms.err_code,
        "TemplateCode": sms.template_code,
        "Content": f"【{sms.sign_name}】" + "，".join(sms.params.values()),
        "SendDate": sent.strftime(TIME_FORMAT),
        "ReceiveDate": (sent + timedelta(seconds=5)).strftime(TIME_FORMAT),
        "OutId": sms.out_id,
    }


def receipts_body(sent: list[SentSms]) -> bytes:
    """An SmsReport push for every record with a final status."""
    reports = [
        {
            "phone_number": sms.phone,
            "send_time": sms.sent_at.astimezone(SHANGHAI).strftime(TIME_FORMAT),
            "report_time": (sms.sent_at + timedelta(seconds=5))
            .astimezone(SHANGHAI)
            .strftime(TIME_FORMAT),
            "success": sms.send_status == 3,
            "err_code": sms.err_code,
            "err_msg": "用户接收成功" if sms.send_status == 3 else "失败",
            "sms_size": "1",
            "biz_id": sms.biz_id,
            "out_id": sms.out_id,
        }
        for sms in sent
        if sms.send_status != 1
    ]
    return json.dumps(reports, ensure_ascii=False).encode()
