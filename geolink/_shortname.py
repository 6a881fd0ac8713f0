"""Short forms of official unit names (shared by the boundary build and the name resolver)."""

import re

ETHNIC = (
    "朝鲜 土家 苗 藏 羌 彝 侗 布依 哈尼 壮 傣 白 景颇 傈僳 回 蒙古 柯尔克孜 哈萨克 黎 "
    "纳西 拉祜 佤 瑶 畲 仡佬 水 仫佬 毛南 土 撒拉 东乡 保安 裕固 锡伯 达斡尔 鄂温克 鄂伦春 "
    "赫哲 满 维吾尔 塔吉克 乌孜别克 俄罗斯 塔塔尔 怒 独龙 基诺 德昂 布朗 阿昌 普米 门巴 珞巴 高山 京"
).split()
_ETHNIC_RE = re.compile("^(.{2,}?)(" + "|".join(sorted(ETHNIC, key=len, reverse=True)) + ")族?.*自治(州|县)$")
_SUFFIX_RE = re.compile("(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|林区|地区|省|市|盟|县)$")


def short_name(name: str) -> str:
    """Official full name → short name: 广州市→广州, 延边朝鲜族自治州→延边, 广西壮族自治区→广西."""
    match = _ETHNIC_RE.match(name)
    if match:
        return match.group(1)
    stem = _SUFFIX_RE.sub("", name)
    return stem if len(stem) >= 2 else name
