"""QGIS 3.22 style documents (QML) for the GeoPackage writer.

Modelled on what QGIS 3.22 itself saves (``QgsVectorLayer.saveNamedStyle``):
symbols as ``<Option type="Map">`` properties, a rule-based renderer whose
rules are what QGIS's own "refine rule → add ranges / categories" produces,
simple labelling with a text buffer (halo), and ``<aliases>``.
"""

from __future__ import annotations

import numbers
import re
import uuid
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import quoteattr

import numpy as np

QML_VERSION = "3.22.0"

#: mapclassify scheme → QGIS classification method id (``QgsClassificationMethodRegistry``);
#: QGIS keeps manual breaks as the "Custom" method.
QGIS_METHODS = {
    "quantiles": "Quantile",
    "fisher_jenks": "Jenks",
    "equal_interval": "EqualInterval",
    "pretty_breaks": "Pretty",
    "std_mean": "StdDev",
    "user_defined": "Custom",
}

GEOMETRY_KIND = {"Point": "marker", "MultiPoint": "marker", "LineString": "line", "MultiLineString": "line"}
_LAYER_GEOMETRY_TYPE = {"marker": 0, "line": 1, "fill": 2}


def rgba(color: str) -> str:
    """``'#rrggbb'`` → QGIS's ``'r,g,b,255'``."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        raise ValueError(f"colours are '#rrggbb' hex strings, got {color!r}")
    return ",".join(str(int(color[j : j + 2], 16)) for j in (1, 3, 5)) + ",255"


def _options(props: Mapping[str, str]) -> str:
    items = "".join(
        f'<Option type="QString" name={quoteattr(k)} value={quoteattr(v)}/>' for k, v in props.items()
    )
    return f'<Option type="Map">{items}</Option>'


def symbol(name: str, kind: str, color: str, outline: str) -> str:
    """One QGIS symbol (``fill``, ``line`` or ``marker``) in ``color`` with an ``outline``."""
    if kind == "fill":
        layer_class, props = (
            "SimpleFill",
            {
                "color": rgba(color),
                "outline_color": rgba(outline),
                "outline_style": "solid",
                "outline_width": "0.2",
                "outline_width_unit": "MM",
                "style": "solid",
                "joinstyle": "bevel",
            },
        )
    elif kind == "line":
        layer_class, props = (
            "SimpleLine",
            {
                "line_color": rgba(color),
                "line_style": "solid",
                "line_width": "0.5",
                "line_width_unit": "MM",
                "capstyle": "round",
                "joinstyle": "round",
            },
        )
    else:
        layer_class, props = (
            "SimpleMarker",
            {
                "name": "circle",
                "color": rgba(color),
                "outline_color": rgba(outline),
                "outline_style": "solid",
                "outline_width": "0.2",
                "size": "2.4",
                "size_unit": "MM",
            },
        )
    return (
        f'<symbol type="{kind}" name={quoteattr(name)} alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{layer_class}" enabled="1" locked="0" pass="0">{_options(props)}</layer></symbol>'
    )


def field_ref(field: str) -> str:
    """A field in a QGIS expression: ``"name"``."""
    return '"' + field.replace('"', '""') + '"'


def literal(value) -> str:
    """A QGIS expression literal for a number or a string."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return "'" + str(value).replace("'", "''") + "'"


def range_filters(field: str, lower: Sequence[float], upper: Sequence[float]) -> list[str]:
    """QGIS filters reproducing :meth:`geolink.Classes.assign`: class ``i`` holds ``lower[i] < v ≤ upper[i]``,
    values below the first upper bound go to the first class and values above the last lower bound to the last."""
    f, k = field_ref(field), len(upper)
    out = []
    for i, (lo, up) in enumerate(zip(lower, upper, strict=True)):
        parts = ([] if i == 0 else [f"{f} > {lo!r}"]) + ([] if i == k - 1 else [f"{f} <= {up!r}"])
        out.append(" AND ".join(parts) or f"{f} IS NOT NULL")
    return out


def rule_renderer(
    title: str, rules: Sequence[tuple[str, str, str]], kind: str, outline: str, no_data: tuple[str, str]
) -> str:
    """Rule-based renderer: a parent rule labelled ``title`` (the legend heading) holding one rule per
    ``(filter, label, colour)`` and an ``ELSE`` rule drawing every other feature (missing values) in
    ``no_data = (colour, label)``."""
    children = [(flt, label, color) for flt, label, color in rules] + [("ELSE", no_data[1], no_data[0])]
    rule_xml = "".join(
        f'<rule key="{{{uuid.uuid4()}}}" symbol="{i}" label={quoteattr(label)} filter={quoteattr(flt)}/>'
        for i, (flt, label, _) in enumerate(children)
    )
    symbols = "".join(symbol(str(i), kind, color, outline) for i, (_, _, color) in enumerate(children))
    return (
        '<renderer-v2 type="RuleRenderer" forceraster="0" symbollevels="0" enableorderby="0" referencescale="-1">'
        f'<rules key="{{{uuid.uuid4()}}}"><rule key="{{{uuid.uuid4()}}}" label={quoteattr(title)}>{rule_xml}</rule>'
        f"</rules><symbols>{symbols}</symbols></renderer-v2>"
    )


def single_renderer(kind: str, color: str, outline: str) -> str:
    """QGIS's single-symbol renderer."""
    return (
        '<renderer-v2 type="singleSymbol" forceraster="0" symbollevels="0" enableorderby="0" referencescale="-1">'
        f"<symbols>{symbol('0', kind, color, outline)}</symbols><rotation/><sizescale/></renderer-v2>"
    )


def graduated_renderer(
    field: str,
    lower: Sequence[float],
    upper: Sequence[float],
    labels: Sequence[str],
    colors: Sequence[str],
    method: str,
    kind: str,
    outline: str,
) -> str:
    """QGIS's graduated renderer with its classification method id (features without a value are not drawn)."""
    ranges = "".join(
        f'<range lower="{lo!r}" upper="{up!r}" symbol="{i}" label={quoteattr(label)} render="true"/>'
        for i, (lo, up, label) in enumerate(zip(lower, upper, labels, strict=True))
    )
    symbols = "".join(symbol(str(i), kind, color, outline) for i, color in enumerate(colors))
    return (
        f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(field)} graduatedMethod="GraduatedColor" '
        'forceraster="0" symbollevels="0" enableorderby="0" referencescale="-1">'
        f"<ranges>{ranges}</ranges><symbols>{symbols}</symbols>"
        f'<classificationMethod id="{method}"><symmetricMode enabled="0" symmetrypoint="0" astride="0"/>'
        '<labelFormat trimtrailingzeroes="1" labelprecision="4" format="%1 - %2"/>'
        "<parameters><Option/></parameters><extraInformation/></classificationMethod>"
        "<rotation/><sizescale/></renderer-v2>"
    )


def categorized_renderer(
    field: str,
    categories: Sequence[tuple[object, str, str]],
    kind: str,
    outline: str,
    no_data: tuple[str, str],
) -> str:
    """QGIS's categorized renderer; the empty-valued category draws every other value and NULL."""
    cats = list(categories) + [("", no_data[1], no_data[0])]
    cat_xml = "".join(
        f'<category value={quoteattr(str(value))} label={quoteattr(label)} symbol="{i}" render="true"/>'
        for i, (value, label, _) in enumerate(cats)
    )
    symbols = "".join(symbol(str(i), kind, color, outline) for i, (_, _, color) in enumerate(cats))
    return (
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(field)} forceraster="0" symbollevels="0" '
        f'enableorderby="0" referencescale="-1"><categories>{cat_xml}</categories>'
        f"<symbols>{symbols}</symbols><rotation/><sizescale/></renderer-v2>"
    )


def labeling(field: str) -> str:
    """Simple labelling on ``field``: 8 pt dark text with a 0.8 mm white halo, one label per feature."""
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName={quoteattr(field)} isExpression="0" fontSize="8" fontSizeUnit="Point" '
        'textColor="30,30,30,255" textOpacity="1" fontWeight="50" fontItalic="0" namedStyle="" '
        'multilineHeight="1" allowHtml="0" useSubstitutions="0" blendMode="0">'
        '<families/><text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" '
        'bufferColor="255,255,255,255" bufferOpacity="1" bufferNoFill="1" bufferJoinStyle="128" '
        'bufferBlendMode="0"/></text-style>'
        '<placement placement="0" polygonPlacementFlags="2" placementFlags="10" centroidInside="1" '
        'centroidWhole="0" priority="5" dist="0" distUnits="MM" fitInPolygonOnly="0"/>'
        '<rendering drawLabels="1" obstacle="1" obstacleType="1" displayAll="0" labelPerPart="0" '
        'mergeLines="0" scaleVisibility="0" limitNumLabels="0" maxNumLabels="2000" upsidedownLabels="0" '
        'minFeatureSize="0" zIndex="0" unplacedVisibility="0"/>'
        "</settings></labeling>"
    )


def document(
    *,
    renderer: str = "",
    label_field: str | None = None,
    aliases: Mapping[str, str],
    custom: Mapping[str, str] | None = None,
    kind: str | None = None,
) -> str:
    """A complete QML document.  ``aliases``: field name → alias, in field order (``fid`` first in the layer).

    With ``kind`` None the document carries only the fields' aliases (an attribute-only table).
    """
    cats = "Symbology|Labeling|Fields|CustomProperties" if kind else "Fields|CustomProperties"
    alias_xml = "".join(
        f"<alias field={quoteattr(f)} name={quoteattr(a)} index={quoteattr(str(i + 1))}/>"
        for i, (f, a) in enumerate(aliases.items())
    )
    config = "".join(
        f'<field name={quoteattr(f)} configurationFlags="None"><editWidget type=""><config><Option/></config>'
        "</editWidget></field>"
        for f in aliases
    )
    props = "".join(
        f'<Option type="QString" name={quoteattr(k)} value={quoteattr(v)}/>'
        for k, v in (custom or {}).items()
    )
    body = renderer + (labeling(label_field) if label_field else "")
    geometry = f"<layerGeometryType>{_LAYER_GEOMETRY_TYPE[kind]}</layerGeometryType>" if kind else ""
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis version="{QML_VERSION}" styleCategories="{cats}" labelsEnabled="{int(bool(label_field))}" '
        'hasScaleBasedVisibilityFlag="0" minScale="100000000" maxScale="0" readOnly="0">'
        f'{body}<customproperties><Option type="Map">{props}</Option></customproperties>'
        '<legend type="default-vector" showLabelLegend="0"/>'
        f"<fieldConfiguration>{config}</fieldConfiguration><aliases>{alias_xml}</aliases>{geometry}</qgis>"
    )
