"""The places the demo incidents cluster around: what hot-spot analysis (易发案部位) should find."""

from pingan_shared.demo_town.models import DemoHotSpot

HOT_SPOTS: tuple[DemoHotSpot, ...] = (
    # Pickpocketing and market quarrels on market mornings, Sundays above all (街天).
    DemoHotSpot(
        key="south-market",
        name="南街农贸市场",
        lat=25.5521,
        lon=102.4699,
        unit_key="market-01",
        categories=("theft", "dispute", "fraud"),
    ),
    # A daytime burglary series and overnight e-bike thefts in one compound.
    DemoHotSpot(
        key="jinxiu-garden",
        name="锦绣花园",
        lat=25.5609,
        lon=102.4662,
        unit_key="compound-01",
        categories=("burglary", "theft"),
    ),
    # Fights, disorder and bag snatching around the night market, late on weekend nights.
    DemoHotSpot(
        key="night-market",
        name="屏山步行街夜市",
        lat=25.5552,
        lon=102.4648,
        unit_key="market-02",
        categories=("fight", "public_order", "harassment", "theft", "drugs", "robbery"),
    ),
)
