"""Templates the demo incidents are written from: short, realistic Chinese reports (警情简要)."""

from dataclasses import dataclass
from typing import Literal

from pingan_shared.demo_town.catalogue import Severity

Where = Literal["town", "village", "any"]
Window = Literal["overnight", "workday", "days"]


@dataclass(frozen=True, slots=True)
class Template:
    """One kind of report: `{place}` in the text is filled with where it happened."""

    category: str
    title: str
    text: str
    place_kind: str
    where: Where = "any"
    modus_operandi: str | None = None
    loss: tuple[int, int] | None = None
    suspects: str | None = None
    severity: Severity | None = None
    window: Window | None = None


T = Template
# The burglary series at 锦绣花园: same method, same hours, the pattern (作案规律) to be found.
SERIES = T("burglary", "入室盗窃", "{place}住户白天上班,回家发现入户门锁被撬,家中现金、首饰被盗。",
           "home", "town", None, (3000, 30000), "series", window="workday")  # fmt: skip
SERIES_METHODS = (
    "白天趁住户上班家中无人,用螺丝刀撬开入户门锁芯入室,专偷现金和金饰",
    "工作日白天撬开入户门锁芯入室,翻找现金、金饰",
    "白天趁家中无人撬锁芯入室,只拿现金和首饰",
)

TEMPLATES: tuple[Template, ...] = (
    T("theft", "电动车被盗", "{place}停放的电动车被盗,车锁被剪断。", "residential_compound", "town",
      "夜间剪断车锁推走电动车", (1500, 4200), "thief", window="overnight"),
    T("theft", "电动车电瓶被盗", "停放在{place}的电动车电瓶被人拆走。", "residential_compound",
      "town", "拆卸电瓶后步行带离", (300, 900), "thief", window="overnight"),
    T("theft", "手机被扒窃", "在{place}买菜时手机被扒窃,发现时小偷已离开。", "market", "any",
      "人多拥挤时趁乱扒窃", (800, 5000), "pickpocket"),
    T("theft", "钱包被盗", "在{place}购物时挎包被划开,钱包被盗。", "market", "any",
      "用刀片划包扒窃", (200, 2000), "pickpocket"),
    T("theft", "手机被盗", "{place}一顾客放在桌上的手机被人顺走。", "entertainment", "town",
      "趁人不备顺手拿走桌上手机", (1000, 5000), "thief"),
    T("theft", "店铺财物被盗", "{place}店内收银台现金被盗。", "shop", "town",
      "趁店主不备顺手牵羊", (300, 3000), "thief"),
    T("theft", "摩托车被盗", "{place}停放的摩托车被盗。", "street", "any",
      "撬开电门锁发动后骑走", (2000, 6000), "thief", window="overnight"),
    T("theft", "自行车被盗", "{place}停放的自行车被盗。", "campus", "town", None, (200, 800)),
    T("theft", "农用物资被盗", "{place}存放的化肥、农具被盗。", "farmland", "village",
      "夜间用车辆拉走", (500, 3000), window="overnight"),
    T("theft", "牲畜被盗", "{place}圈养的羊被盗。", "home", "village", "夜间翻圈偷牵牲畜",
      (1500, 6000), "thief", window="overnight"),
    T("burglary", "入室盗窃", "{place}住户外出数日,回家发现窗户被撬,屋内被翻动。", "home", "any",
      "撬开窗户翻窗入室", (1000, 15000), "thief", window="days"),
    T("burglary", "入室盗窃", "{place}住户夜间熟睡时有人从阳台进入,手机和现金被盗。", "home",
      "town", "攀爬防盗网从阳台入室", (1000, 8000), "thief", window="overnight"),
    T("burglary", "商铺被撬", "{place}卷帘门被撬,店内物品被盗。", "shop", "town",
      "夜间撬开卷帘门入室", (2000, 20000), "thief", window="overnight"),
    T("burglary", "村民家中被盗", "{place}村民赶集时家中无人,房门被撬,现金被盗。", "home",
      "village", "趁赶集家中无人撬门入室", (500, 6000), "thief", window="workday"),
    T("robbery", "飞车抢夺", "{place}行人挎包被骑摩托车的两人抢走。", "street", "town",
      "驾驶摩托车从背后抢夺挎包", (300, 3000), "moto_pair", "high"),
    T("robbery", "拦截学生索要财物", "{place}一名学生被拦住索要财物。", "campus", "town",
      "拦截学生强索财物", (50, 300), "youths", "high"),
    T("fraud", "冒充客服诈骗", "居民接到冒充电商客服的电话,称可退款,按对方指示转账。", "online",
      "any", "冒充电商客服退款", (2000, 60000), "phone_fraud"),
    T("fraud", "刷单返利诈骗", "居民在网上兼职刷单,先返小额佣金,后被骗转账。", "online", "any",
      "刷单返利", (1000, 30000), "phone_fraud"),
    T("fraud", "冒充亲友诈骗", "老人接到冒充孙子的电话称出事急需用钱,汇款后发现被骗。", "online",
      "any", "冒充亲友借钱", (3000, 20000), "phone_fraud"),
    T("fraud", "冒充公检法诈骗", "居民接到自称公安局的电话,称其涉嫌洗钱,要求转账到“安全账户”。",
      "online", "any", "冒充公检法", (10000, 80000), "phone_fraud", "high"),
    T("fraud", "保健品推销诈骗", "{place}有人以免费体检为名向老人高价推销保健品。", "market", "any",
      "以免费体检、赠送礼品为名高价推销保健品", (500, 5000), "sales_crew"),
    T("fraud", "使用假币", "{place}摊主收到假币。", "market", "any", "用假币小额购物骗取找零",
      (100, 300), "stranger"),
    T("fight", "酒后斗殴", "{place}几名男子酒后发生口角,互相殴打,一人受轻伤。", "entertainment",
      "town", suspects="drinkers"),
    T("fight", "烧烤摊打架", "{place}两桌客人因琐事发生冲突,互相推搡打斗。", "entertainment",
      "town", suspects="drinkers"),
    T("fight", "学生打架", "{place}几名学生放学后打架。", "campus", "town", suspects="students"),
    T("fight", "村民斗殴", "{place}两家因宅基地界线争执,动手打架。", "home", "village",
      suspects="villagers"),
    T("dispute", "邻里纠纷", "{place}楼上楼下因漏水发生纠纷,双方争吵。", "residential_compound",
      "town"),
    T("dispute", "装修噪音纠纷", "{place}住户装修噪音扰民引发纠纷。", "residential_compound",
      "town"),
    T("dispute", "买卖纠纷", "{place}摊主与顾客因缺斤短两发生争吵。", "market", "any"),
    T("dispute", "停车纠纷", "{place}因车辆乱停挡道发生纠纷。", "street", "town"),
    T("dispute", "土地纠纷", "{place}村民因土地承包边界发生纠纷。", "farmland", "village"),
    T("dispute", "家庭纠纷", "{place}夫妻因家庭琐事争吵,邻居报告。", "home", "any"),
    T("dispute", "劳资纠纷", "{place}务工人员讨要工资,与包工头发生争执。", "street", "any"),
    T("dispute", "物业纠纷", "{place}业主与物业因收费问题发生纠纷。", "residential_compound",
      "town"),
    T("harassment", "醉酒滋事", "{place}一名醉酒男子大声吵闹,骚扰路人。", "street", "town",
      suspects="drunk"),
    T("harassment", "尾随骚扰", "{place}一名女子晚归时被陌生男子尾随。", "street", "town",
      suspects="follower"),
    T("harassment", "校园周边滋扰", "{place}有社会青年在校门口逗留滋扰学生。", "campus", "town",
      suspects="youths"),
    T("harassment", "催收电话骚扰", "居民反映接到催收电话骚扰,辱骂家人。", "online", "any"),
    T("drugs", "疑似吸毒", "{place}群众反映有人聚集,疑似吸食毒品。", "entertainment", "town",
      suspects="drug_users"),
    T("drugs", "发现可疑注射器", "{place}发现遗弃的注射器。", "street", "town"),
    T("gambling", "聚众赌博", "{place}有人聚集打麻将赌博,赌资较大。", "home", "any",
      suspects="gamblers"),
    T("gambling", "茶室赌博", "{place}茶室内有人以扑克赌博。", "shop", "town", suspects="gamblers"),
    T("gambling", "宴席设局赌博", "{place}办酒席期间有人设局赌博。", "home", "village",
      suspects="gamblers"),
    T("traffic", "电动车与轿车相撞", "{place}一辆电动车与轿车相撞,骑车人擦伤。", "road", "town"),
    T("traffic", "行人被撞", "{place}一名老人过马路时被摩托车撞倒。", "road", "any",
      severity="high"),
    T("traffic", "车辆剐蹭", "{place}两车剐蹭,双方争执不下。", "road", "town", severity="low"),
    T("traffic", "农用车侧翻", "{place}一辆三轮农用车侧翻,驾驶人受伤。", "road", "village",
      severity="high"),
    T("fire_hazard", "楼道飞线充电", "{place}楼道内有人飞线给电动车充电。", "residential_compound",
      "town"),
    T("fire_hazard", "消防通道堵塞", "{place}消防通道被车辆堵塞。", "residential_compound", "town"),
    T("fire_hazard", "商铺消防隐患", "{place}商铺灭火器过期,电线私拉乱接。", "shop", "town"),
    T("fire_hazard", "野外违规用火", "{place}有人烧田埂草,有引发山火的危险。", "farmland",
      "village", severity="high"),
    T("fire_hazard", "市场消防隐患", "{place}摊位电线老化,堆放易燃物。", "market", "any"),
    T("public_order", "深夜喧哗", "{place}深夜有人饮酒喧哗,影响周边居民休息。", "entertainment",
      "town"),
    T("public_order", "占道经营", "{place}流动摊贩占道经营,阻碍交通。", "street", "town"),
    T("public_order", "聚集起哄", "{place}一群人聚集起哄,围观人员较多。", "entertainment", "town",
      suspects="youths"),
    T("public_order", "聚集阻挠施工", "{place}部分村民因征地补偿问题聚集,阻挠施工。", "road",
      "village"),
    T("public_order", "广场舞噪音", "{place}广场舞音响声音过大,周边居民投诉。", "street", "town"),
    T("other", "老人走失", "{place}一名老人走失,家属求助。", "street", "any"),
    T("other", "流浪人员求助", "{place}发现一名流浪人员,需要救助。", "street", "town"),
    T("other", "可疑人员", "{place}有陌生人挨家挨户敲门打探情况。", "residential_compound", "any",
      suspects="stranger"),
    T("other", "井盖缺失", "{place}井盖缺失,存在安全隐患。", "road", "town"),
)  # fmt: skip
