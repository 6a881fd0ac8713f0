import pytest

import geolink


@pytest.mark.parametrize(
    "given, code",
    [
        ("东莞市", "441900"),
        ("东莞", "441900"),
        ("Dongguan", "441900"),
        (441900, "441900"),
        ("441900", "441900"),
        (441900.0, "441900"),
        ("441900.0", "441900"),
        ("\u3000东莞市 ", "441900"),
        ("香港特別行政區", "810000"),
        ("澳門", "820000"),
        ("Macao", "820000"),
        ("Hong Kong", "810000"),
        ("110000", "110100"),
        ("北京", "110100"),
        ("500000", "500100"),
        ("Xi'an", "610100"),
        ("xian", "610100"),
        ("延边朝鲜族自治州", "222400"),
        ("延边", "222400"),
    ],
)
def test_to_adcode(given, code):
    assert geolink.to_adcode(given) == code


def test_ambiguous_and_unknown():
    with pytest.raises(ValueError, match="321200 泰州市, 331000 台州市"):
        geolink.to_adcode("Taizhou")
    with pytest.raises(ValueError, match="632500 海南藏族自治州, the province 海南省"):
        geolink.to_adcode("海南")
    with pytest.raises(KeyError, match="is a province"):
        geolink.to_adcode("广东省")
    with pytest.raises(KeyError, match="close matches: .*东莞"):
        geolink.to_adcode("东筦")
