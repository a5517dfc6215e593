"""Three example schemes as a county would write them: 平安单位 (institutions and markets), 平安校园
and 平安小区, 100 points each. The demo town loads them; a town copies one and adjusts it.

Rules read as the county's 细则 do: "每发现一处扣 1 分，扣完为止"; survey rates "每低于标准 1 个
百分点扣 0.5 分" (only when the sample shows it beyond doubt); patrols "每少 1 小时扣 0.1 分".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.schemes import repository
from assessment.schemes.schemas import SchemeCreate
from assessment.schemes.service import create_scheme
from pingan_shared.auth import Principal, Role

DEMO_OFFICE = Principal(sub="demo", name="演示数据", roles=frozenset({Role.admin}))
BANDS = [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "合格", "min": 60}]


def _ind(code: str, name: str, points: float, measure: str, **rule: Any) -> dict[str, Any]:
    kinds = rule.pop("kinds", None)
    return {
        "code": code,
        "name": name,
        "max_points": points,
        "measure": measure,
        "rule": rule,
        "applicable_kinds": kinds,
    }


def _block(
    code: str, name: str, points: float, indicators: list[dict[str, Any]], cap: float | None = None
) -> dict[str, Any]:
    return {"code": code, "name": name, "max_points": points, "cap": cap, "indicators": indicators}


def _pairs(prefix: str, entries: list[tuple[str, float]]) -> list[dict[str, Any]]:
    return [
        {"code": f"{prefix}{i}", "name": name, "max_points": points}
        for i, (name, points) in enumerate(entries, start=1)
    ]


def _vetoes(entries: list[tuple[str, list[str] | None]]) -> list[dict[str, Any]]:
    return [
        {"code": f"V{i}", "name": name, "incident_categories": categories}
        for i, (name, categories) in enumerate(entries, start=1)
    ]


INSTITUTION = {
    "code": "pingan-danwei",
    "name": "平安单位创建考核细则",
    "period": "year",
    "unit_kinds": ["institution", "market"],
    "bonus_cap": 3,
    "rating_bands": BANDS,
    "blocks": [
        _block("A", "一、组织领导", 15, [
            _ind("A1", "成立平安单位创建领导小组，主要负责人亲自抓", 3, "manual"),
            _ind("A2", "制定年度创建工作计划和实施方案", 3, "findings", per_fault=1),
            _ind("A3", "落实治安保卫责任制，层层签订责任书", 3, "findings", per_fault=1),
            _ind("A4", "每季度至少专题研究一次平安创建工作", 3, "findings", per_fault=1.5),
            _ind("A5", "创建工作台账资料齐全规范", 3, "findings", per_fault=0.5),
        ]),
        _block("B", "二、内部安全防范", 30, [
            _ind("B1", "人防：配齐专职保卫人员和门卫，落实24小时值班", 5, "findings", per_fault=1),
            _ind("B2", "物防：重点部位防盗门窗、保险柜等设施完好", 4, "findings", per_fault=1),
            _ind("B3", "技防：视频监控覆盖出入口和重点部位并正常运行", 5, "findings", per_fault=1),
            _ind("B4", "门卫值守和来访人员登记管理", 3, "findings", per_fault=0.5),
            _ind("B5", "消防设施完好，疏散通道畅通", 5, "findings", per_fault=1),
            _ind("B6", "财务室、档案室、机房等要害部位管理", 4, "findings", per_fault=1,
                 kinds=["institution"]),
            _ind("B7", "市场摊位经营秩序和消防通道管理", 4, "findings", per_fault=1,
                 kinds=["market"]),
        ]),
        _block("C", "三、矛盾纠纷排查化解", 15, [
            _ind("C1", "建立矛盾纠纷排查调处机制，每月排查一次", 5, "findings", per_fault=1),
            _ind("C2", "掌握职工思想动态，及时化解不稳定因素", 5, "manual"),
            _ind("C3", "信访事项依法按时办结", 5, "findings", per_fault=1),
        ]),
        _block("D", "四、治安状况", 20, [
            _ind("D1", "单位内发生盗窃、诈骗等侵财案件", 10, "incidents", per_fault=2,
                 categories=["theft", "burglary", "fraud", "robbery"]),
            _ind("D2", "发生打架斗殴、扰乱秩序等治安事件", 5, "incidents", per_fault=1,
                 categories=["fight", "public_order", "harassment"]),
            _ind("D3", "发生火灾或消防安全隐患警情", 5, "incidents", per_fault=2.5,
                 categories=["fire_hazard"]),
        ]),
        _block("E", "五、宣传教育与群防群治", 20, [
            _ind("E1", "职工平安创建知晓率不低于90%", 6, "survey", survey="awareness",
                 threshold=0.9, per_fault=0.5),
            _ind("E2", "职工参与平安创建活动率不低于80%", 4, "survey", survey="participation",
                 threshold=0.8, per_fault=0.5),
            _ind("E3", "宣传栏、横幅、黑板报等宣传阵地", 4, "findings", per_fault=1),
            _ind("E4", "组织职工参加义务巡防和群防群治活动", 6, "findings", per_fault=1),
        ]),
    ],
    "bonus_items": _pairs("X", [
        ("平安创建工作受到县级以上表彰", 2),
        ("创新工作经验被上级推广", 2),
        ("协助公安机关破获案件或职工见义勇为", 1),
    ]),
    "veto_conditions": _vetoes([
        ("发生重特大刑事案件", ["robbery", "burglary", "drugs"]),
        ("发生重大火灾或安全生产责任事故", ["fire_hazard"]),
        ("弄虚作假，瞒报、漏报重大案事件", None),
    ]),
}  # fmt: skip

CAMPUS = {
    "code": "pingan-xiaoyuan",
    "name": "平安校园创建考核细则",
    "period": "half",
    "unit_kinds": ["campus"],
    "bonus_cap": 3,
    "rating_bands": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80},
                     {"name": "合格", "min": 70}],
    "blocks": [
        _block("A", "一、组织领导与制度建设", 15, [
            _ind("A1", "成立以校长为组长的平安校园创建领导小组", 3, "manual"),
            _ind("A2", "落实校园安全工作责任制", 4, "findings", per_fault=1),
            _ind("A3", "门卫、值班、巡查等安全管理制度健全", 4, "findings", per_fault=1),
            _ind("A4", "安全工作台账和隐患排查记录完整", 4, "findings", per_fault=0.5),
        ]),
        _block("B", "二、校园内部安全防范", 35, [
            _ind("B1", "校门24小时值守，外来人员登记核实", 6, "findings", per_fault=1),
            _ind("B2", "按标准配备专职保安，组建护校队", 5, "findings", per_fault=1),
            _ind("B3", "视频监控全覆盖，一键报警与公安联网", 6, "findings", per_fault=1),
            _ind("B4", "消防设施完好，每学期开展疏散演练", 6, "findings", per_fault=1),
            _ind("B5", "食堂食品安全和饮用水卫生管理", 6, "findings", per_fault=1),
            _ind("B6", "学生宿舍安全管理和夜间巡查", 6, "findings", per_fault=1),
        ]),
        _block("C", "三、校园周边治安", 20, [
            _ind("C1", "校园周边发生侵害师生的治安案件", 8, "incidents", per_fault=2,
                 categories=["theft", "robbery", "fight", "harassment"]),
            _ind("C2", "上下学高峰护学岗和校园周边巡防时长", 6, "patrol", target_hours=120,
                 per_fault=0.1),
            _ind("C3", "校园周边摊点、网吧、娱乐场所整治", 6, "findings", per_fault=1),
        ]),
        _block("D", "四、安全教育", 20, [
            _ind("D1", "师生安全知识知晓率不低于95%", 6, "survey", survey="awareness",
                 threshold=0.95, per_fault=0.5),
            _ind("D2", "家长参与平安校园建设率不低于70%", 4, "survey", survey="participation",
                 threshold=0.7, per_fault=0.5),
            _ind("D3", "每学期开设安全教育课并开展应急演练", 6, "findings", per_fault=1.5),
            _ind("D4", "心理健康教育和学生欺凌防治", 4, "manual"),
        ]),
        _block("E", "五、矛盾纠纷与稳定", 10, [
            _ind("E1", "校园矛盾纠纷和欺凌事件排查化解", 5, "findings", per_fault=1),
            _ind("E2", "校内发生打架斗殴等安全事件", 5, "incidents", per_fault=2.5,
                 categories=["fight", "public_order"]),
        ]),
    ],
    "bonus_items": _pairs("X", [
        ("获评县级以上平安校园或安全文明校园", 2),
        ("校园安全工作经验被上级推广", 1),
    ]),
    "veto_conditions": _vetoes([
        ("发生师生死亡的重大安全责任事故", None),
        ("发生重大校园刑事案件", ["robbery", "drugs"]),
        ("发生食物中毒等重大公共卫生事件", None),
    ]),
}  # fmt: skip

COMPOUND = {
    "code": "pingan-xiaoqu",
    "name": "平安小区创建考核细则",
    "period": "quarter",
    "unit_kinds": ["residential_compound"],
    "bonus_cap": 3,
    "rating_bands": BANDS,
    "blocks": [
        _block("A", "一、组织建设", 15, [
            _ind("A1", "成立由业委会、物业和楼栋长组成的平安小区创建小组", 5, "manual"),
            _ind("A2", "落实楼栋长、单元长网格化管理", 5, "findings", per_fault=1),
            _ind("A3", "出租房屋和外来流动人口登记管理", 5, "findings", per_fault=0.5),
        ]),
        _block("B", "二、技防物防", 30, [
            _ind("B1", "小区出入口门禁和24小时值守", 8, "findings", per_fault=1),
            _ind("B2", "视频监控覆盖主要出入口和通道且完好", 8, "findings", per_fault=1),
            _ind("B3", "单元门、围墙、路灯照明完好", 6, "findings", per_fault=1),
            _ind("B4", "消防设施完好，电动车集中停放充电", 8, "findings", per_fault=1),
        ]),
        _block("C", "三、治安状况", 25, [
            _ind("C1", "发生入室盗窃、盗窃电动车等侵财案件", 12, "incidents", per_fault=1,
                 categories=["theft", "burglary"]),
            _ind("C2", "发生邻里纠纷、打架斗殴等治安事件", 8, "incidents", per_fault=0.5,
                 categories=["dispute", "fight", "harassment"]),
            _ind("C3", "发生涉黄赌毒案件", 5, "incidents", per_fault=2.5,
                 categories=["drugs", "gambling"]),
        ], cap=20),
        _block("D", "四、群防群治", 20, [
            _ind("D1", "义务巡防队巡逻时长每季度不少于90小时", 10, "patrol", target_hours=90,
                 per_fault=0.1),
            _ind("D2", "居民参与平安创建活动率不低于60%", 5, "survey", survey="participation",
                 threshold=0.6, per_fault=0.5),
            _ind("D3", "每月开展矛盾纠纷排查并及时调处", 5, "findings", per_fault=1),
        ]),
        _block("E", "五、宣传发动", 10, [
            _ind("E1", "居民平安创建知晓率不低于85%", 6, "survey", survey="awareness",
                 threshold=0.85, per_fault=0.5),
            _ind("E2", "宣传栏、黑板报、宣传单等宣传阵地", 4, "findings", per_fault=1),
        ]),
    ],
    "bonus_items": _pairs("X", [
        ("居民见义勇为或协助公安机关破获案件", 1),
        ("获评县级以上平安小区或文明小区", 2),
    ]),
    "veto_conditions": _vetoes([
        ("发生命案等重大刑事案件", ["robbery"]),
        ("发生重大火灾事故", ["fire_hazard"]),
        ("发生群体性事件或重大矛盾纠纷引发的极端事件", None),
    ]),
}  # fmt: skip


def example_schemes() -> list[SchemeCreate]:
    """The three example schemes, validated as a create would validate them."""
    return [SchemeCreate.model_validate(s) for s in (INSTITUTION, CAMPUS, COMPOUND)]


async def load_example_schemes(session: AsyncSession) -> int:
    """Store the example schemes whose code is not taken yet; returns how many were added."""
    added = 0
    for scheme in example_schemes():
        if await repository.latest_version(session, scheme.code) is None:
            await create_scheme(session, scheme, DEMO_OFFICE)
            added += 1
    return added
