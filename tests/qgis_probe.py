"""Open geolink GeoPackages in QGIS (PyQGIS, headless) for the tests; run with the system Python.

QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_probe.py inspect FILE.gpkg
    JSON per layer: default style loaded, features drawn by its renderer, renderer type,
    legend, classification method of the native style, aliases, labels.
... hold-edit FILE.gpkg LAYER FID FIELD VALUE
    start editing, change one value, print "editing", wait for a line on stdin, commit, print the result.
... render FILE.gpkg LAYER OUT.png
    render the layer with its default style (QgsMapRendererParallelJob) to a PNG.
"""

import json
import sys

from qgis.core import (
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsRenderContext,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument


def open_layer(path, name):
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    if not layer.isValid():
        raise SystemExit(f"QGIS cannot open {path} layer {name}")
    return layer


def drawn(layer):
    """Features the layer's renderer draws (willRenderFeature) and the feature count."""
    renderer = layer.renderer().clone()
    ctx = QgsRenderContext()
    ctx.setExpressionContext(layer.createExpressionContext())
    renderer.startRender(ctx, layer.fields())
    n = ok = 0
    for feature in layer.getFeatures():
        ctx.expressionContext().setFeature(feature)
        n += 1
        ok += bool(renderer.willRenderFeature(feature, ctx))
    renderer.stopRender(ctx)
    return ok, n


def legend(layer):
    return [item.label() for item in layer.renderer().legendSymbolItems()]


def inspect(path):
    from osgeo import ogr

    ds = ogr.Open(path)
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    ds = None
    out = {}
    for name in names:
        if name == "layer_styles":
            continue
        layer = open_layer(path, name)
        message, loaded = layer.loadDefaultStyle()
        info = {
            "style_loaded": bool(loaded),
            "message": message,
            "spatial": layer.isSpatial(),
            "aliases": {f.name(): f.alias() for f in layer.fields()},
            "display_names": {f.name(): f.displayName() for f in layer.fields()},
        }
        if layer.isSpatial():
            ok, n = drawn(layer)
            info.update(
                drawn=ok,
                features=n,
                renderer=layer.renderer().type(),
                legend=legend(layer),
                labels=layer.labelsEnabled() and layer.labeling().settings().fieldName,
                method_property=layer.customProperty("geolink/classificationMethod"),
                geometry_type=int(layer.geometryType()),
            )
            count, ids, style_names, _, _ = layer.listStylesInDatabase()
            info["styles"] = style_names[:count]  # the first `count` belong to this layer
            for sid, sname in zip(ids[:count], style_names[:count], strict=True):
                if sname in ("geolink graduated", "geolink categorized"):
                    qml, _ = layer.getStyleFromDatabase(sid)
                    doc = QDomDocument()
                    doc.setContent(qml)
                    other = open_layer(path, name)
                    other.importNamedStyle(doc)
                    r = other.renderer()
                    info["native"] = {"renderer": r.type(), "legend": legend(other)}
                    if r.type() == "graduatedSymbol":
                        info["native"]["method"] = r.classificationMethod().id()
                        info["native"]["ranges"] = [[x.lowerValue(), x.upperValue()] for x in r.ranges()]
                        again = r.clone()  # what pressing Classify in the Symbology panel gives
                        again.updateClasses(other, len(r.ranges()))
                        info["native"]["classify"] = [
                            [x.lowerValue(), x.upperValue()] for x in again.ranges()
                        ]
                    info["native"]["drawn"] = drawn(other)[0]
        out[name] = info
    print(json.dumps(out, ensure_ascii=False))


def hold_edit(path, name, fid, field, value):
    layer = open_layer(path, name)
    assert layer.startEditing()
    idx = layer.fields().indexOf(field)
    assert layer.changeAttributeValue(int(fid), idx, float(value)), "changeAttributeValue failed"
    print("editing", flush=True)
    sys.stdin.readline()
    ok = layer.commitChanges()
    print(json.dumps({"committed": bool(ok), "errors": layer.commitErrors()}), flush=True)


def render(path, name, png):
    layer = open_layer(path, name)
    layer.loadDefaultStyle()
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(1400, 1100))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    assert job.renderedImage().save(png, "png")
    print(json.dumps({"features": layer.featureCount(), "legend": legend(layer)}, ensure_ascii=False))


if __name__ == "__main__":
    app = QgsApplication([], False)
    app.initQgis()
    mode, *args = sys.argv[1:]
    {"inspect": inspect, "hold-edit": hold_edit, "render": render}[mode](*args)
    app.exitQgis()
