"""Generated people: Chinese names from common surnames and given-name characters, mobile numbers.

Every name and number is a random combination, not a real person's.
"""

import random
from dataclasses import dataclass, field

# Common surnames, with those frequent among Yi and Miao families in 禄劝 (普, 鲁, 字, 毕, 起, 保).
SURNAMES = (
    "李李李王王王张张杨杨刘刘陈赵周吴黄罗罗普普鲁何马朱段孙高徐郭胡林沈尹字毕起保陶施熊苏付许"
)
GIVEN_MALE = "建国华明军强伟勇刚志文斌海涛林波荣福贵成忠祥云龙平发学宏兴顺德才俊鹏"
GIVEN_FEMALE = "秀丽芳英梅兰琼艳红燕玲霞娟敏静琴丹慧芬萍凤春蓉美翠倩雪婷媛"

# Mainland mobile prefixes in wide use (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
    "182", "183", "187", "188", "130", "131", "132", "155", "156", "185", "186",
    "133", "153", "173", "177", "180", "181", "189", "199",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Person:
    """A generated person: a name and a mobile number."""

    name: str
    phone: str


@dataclass(slots=True)
class PersonFactory:
    """Draws people from one random stream; numbers are unique within the factory."""

    rng: random.Random
    used_phones: set[str] = field(default_factory=set)

    def name(self) -> str:
        """Return a generated Chinese name of two or three characters."""
        pool = GIVEN_MALE if self.rng.random() < 0.55 else GIVEN_FEMALE
        size = 1 if self.rng.random() < 0.3 else 2
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(pool, k=size))

    def phone(self) -> str:
        """Return a new 11-digit mobile number not handed out before by this factory."""
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def person(self) -> Person:
        """Return a generated person."""
        return Person(self.name(), self.phone())
