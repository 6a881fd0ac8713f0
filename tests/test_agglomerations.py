import pandas as pd
import pytest
from pyproj import Geod

import geolink

COUNTS = {"gba": 11, "prd": 9, "bth": 13, "yrd": 26, "myr": 31, "cy": 16, "gzp": 11, "hc": 11, "cp": 30}


def test_membership_counts_and_codes():
    table = geolink.agglomerations()
    assert table.groupby("agglomeration_id").size().to_dict() == COUNTS
    assert not table.duplicated(["agglomeration_id", "adcode"]).any()
    assert set(table["adcode"]) <= set(geolink.prefectures().index)
    assert set(table["membership"]) == {"full", "partial"}
    partial = table[table["membership"] == "partial"]
    assert partial.groupby("agglomeration_id").size().to_dict() == {"cy": 4, "gzp": 5, "myr": 2}
    assert (partial["counties_note"] != "").all()
    assert table.loc[table["agglomeration_id"] == "yrd", "plan_doc_no"].unique().tolist() == [
        "国函〔2016〕87号"
    ]


def test_gba_members():
    gba = geolink.cities_in("gba")
    assert set(gba["name_short"]) == {
        "广州",
        "深圳",
        "珠海",
        "佛山",
        "惠州",
        "东莞",
        "中山",
        "江门",
        "肇庆",
        "香港",
        "澳门",
    }
    assert gba.crs.to_epsg() == 4326 and (gba["membership"] == "full").all()
    assert set(geolink.cities_in("prd").index) == set(gba.index) - {"810000", "820000"}


@pytest.mark.parametrize(
    "name",
    [
        "yrd",
        "YRD",
        "长三角",
        "长江三角洲城市群",
        "长江三角洲",
        "Yangtze River Delta",
        " yangtze river delta ",
    ],
)
def test_lookup_by_id_chinese_and_english(name):
    assert geolink.resolve_id(name) == "yrd"


def test_other_lookups():
    assert geolink.resolve_id("粤港澳大湾区") == "gba"
    assert geolink.resolve_id("Guangdong-Hong Kong-Macao Greater Bay Area") == "gba"
    assert geolink.resolve_id("京津冀") == "bth" and geolink.resolve_id("关中平原城市群") == "gzp"
    with pytest.raises(KeyError, match="valid ids: gba, prd, bth, yrd, myr, cy, gzp, hc, cp"):
        geolink.resolve_id("长株潭")


def test_which_agglomerations_by_name_code_and_point():
    assert geolink.which_agglomerations("东莞") == ["gba", "prd"]
    assert geolink.which_agglomerations(441900) == ["gba", "prd"]
    assert geolink.which_agglomerations((113.7518, 23.0205)) == ["gba", "prd"]  # Dongguan city centre
    assert geolink.which_agglomerations((114.1694, 22.3193)) == ["gba"]  # Hong Kong, Kowloon
    assert geolink.which_agglomerations("运城市") == ["gzp", "cp"]
    assert geolink.which_agglomerations("拉萨") == []
    assert geolink.which_agglomerations((116.0, 20.5)) == []  # South China Sea
    assert geolink.which_agglomerations((2.35, 48.85)) == []  # Paris


def test_overlaps_raise_with_names():
    with pytest.raises(
        ValueError, match=r"3 unit\(s\).*130400 邯郸市: bth \(full\), cp \(full\).*140800 运城市"
    ):
        geolink.agglomeration_groups("eight")


def test_overlap_rules():
    first = geolink.agglomeration_groups("eight", overlap="first")
    assert first["adcode"].is_unique
    assert len(first) == 13 + 31 + 26 + 30 + 16 + 11 + 11 + 9 - 3
    g = first.set_index("adcode")["group"]
    assert (
        g["130400"] == "bth" and g["130500"] == "bth" and g["140800"] == "cp"
    )  # seed 002 order: bth … cp … gzp
    assert [o["adcode"] for o in first.attrs["overlaps"]] == ["130400", "130500", "140800"]

    reordered = geolink.agglomeration_groups(["gzp", "cp"], overlap="first").set_index("adcode")["group"]
    assert reordered["140800"] == "gzp"

    prefer = geolink.agglomeration_groups(["gzp", "cp"], overlap="prefer_full").set_index("adcode")["group"]
    assert prefer["140800"] == "cp"  # full member of cp, partial of gzp
    with pytest.raises(ValueError, match="邯郸市"):
        geolink.agglomeration_groups("eight", overlap="prefer_full")  # full member of both bth and cp

    dropped = geolink.agglomeration_groups("eight", overlap="drop")
    assert not dropped["adcode"].isin(["130400", "130500", "140800"]).any()
    assert len(dropped) == len(first) - 3
    with pytest.raises(ValueError, match="overlap must be one of"):
        geolink.agglomeration_groups("eight", overlap="random")


def test_outline_is_union_of_members():
    outline = geolink.agglomeration_outline("长三角")
    assert outline["agglomeration_id"].tolist() == ["yrd"] and outline["n_units"].iloc[0] == 26
    area = abs(Geod(ellps="WGS84").geometry_area_perimeter(outline.geometry.iloc[0])[0]) / 1e6
    assert area == pytest.approx(outline["area_km2"].iloc[0], rel=0.005)
    assert outline.geometry.iloc[0].is_valid
    everything = geolink.agglomeration_outline()
    assert everything["agglomeration_id"].tolist() == list(COUNTS)
    assert everything.set_index("agglomeration_id")["n_partial"].to_dict()["gzp"] == 5


@pytest.fixture
def east_west():
    table = pd.DataFrame(
        {"adcode": ["广州", "441900", "拉萨", 650100], "group": ["east", "east", "west", "west"]}
    )
    yield geolink.register_grouping("east_west", table, names_en={"east": "East", "west": "West"})
    geolink.unregister_grouping("east_west")


def test_user_grouping_works_like_an_agglomeration(east_west):
    assert east_west == ["east", "west"]
    assert set(geolink.cities_in("east").index) == {"440100", "441900"}
    assert geolink.which_agglomerations("东莞") == ["gba", "prd", "east"]
    assert geolink.resolve_id("West") == "west"
    groups = geolink.agglomeration_groups("east_west")
    assert groups.set_index("adcode")["group"].to_dict() == {
        "440100": "east",
        "441900": "east",
        "540100": "west",
        "650100": "west",
    }
    assert geolink.agglomeration_outline("west")["n_units"].iloc[0] == 2
    with pytest.raises(ValueError, match="2 unit"):
        geolink.agglomeration_groups(["gba", "east"])  # 广州, 东莞 in both


def test_user_grouping_errors():
    with pytest.raises(ValueError, match=r"\['gba'\] already exist"):
        geolink.register_grouping("bad", {"广州": "gba"})
    with pytest.raises(KeyError, match="'Atlantis' is not a current prefecture-level unit: no such unit"):
        geolink.register_grouping("bad", {"Atlantis": "x"})
    with pytest.raises(KeyError, match="lacks column"):
        geolink.register_grouping("bad", pd.DataFrame({"city": ["广州"]}))
    geolink.unregister_grouping("bad")
    assert "x" not in set(geolink.agglomerations()["agglomeration_id"])


def test_province_and_agglomeration_outlines_come_back_exactly_from_the_cache(tmp_path, monkeypatch):
    """Outlines are unions computed once and then read from the user cache: the same geometry to the bit."""
    import shapely

    from geolink import boundaries
    from geolink.agglomerations import _union

    monkeypatch.setenv("GEOLINK_CACHE_DIR", str(tmp_path))
    units = geolink.prefectures()
    direct = {code: shapely.coverage_union_all(part.geometry.values) for code, part in units.groupby("province_adcode")}
    gba = shapely.coverage_union_all(units.loc[geolink.cities_in("gba").index, "geometry"].values)
    for _ in range(2):  # computed and written, then read from the files
        boundaries._provinces.cache_clear()
        _union.cache_clear()
        p = geolink.provinces().set_index("province_adcode")
        assert list(p.index) == sorted(direct) and p.loc["440000", "province"] == "广东省"
        assert shapely.equals_exact(p.geometry.values, [direct[c] for c in p.index], 0).all()
        outline = geolink.agglomeration_outline("gba").geometry.iloc[0]
        assert shapely.equals_exact(outline, gba, 0)
        assert len(list(tmp_path.glob("provinces_*.npz"))) == 1 and len(list(tmp_path.glob("union_*.npz"))) == 1
    boundaries._provinces.cache_clear()
    _union.cache_clear()
