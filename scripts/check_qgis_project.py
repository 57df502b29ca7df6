#!/usr/bin/python3
"""Opens the QGIS project of a plan folder with QGIS itself, checks it and renders it.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/check_qgis_project.py PLAN_DIR OUT.png

The project is PLAN_DIR/plan.qgs, or the one stored in PLAN_DIR/plan.gpkg. Checks that every
layer is valid and styled, that each service has a group whose layers are stacked points over
lines over polygons, that only the first group is shown, then renders the map as the project
opens (its extent and CRS) and counts the pixels of the new-site colour: sites must be seen,
not hidden under a fill. Prints one line per check; exits 1 when one fails. Needs Debian's
QGIS Python bindings (apt-get install python3-qgis qgis-providers).
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsLayerTreeGroup, QgsMapRendererParallelJob,
                       QgsMapSettings, QgsProject, QgsWkbTypes)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

# sites.qml draws new sites as red stars (215, 25, 28).
NEW_SITE = (215, 25, 28)
ORDER = {QgsWkbTypes.PointGeometry: 0, QgsWkbTypes.LineGeometry: 1, QgsWkbTypes.PolygonGeometry: 2}


def fail(message):
    print(f"FAIL {message}")
    sys.exit(1)


def project_uri(plan):
    qgs = os.path.join(plan, "plan.qgs")
    if os.path.exists(qgs):
        return qgs
    return f"geopackage:{os.path.join(plan, 'plan.gpkg')}?projectName=plan"


def check_groups(project):
    groups = [node for node in project.layerTreeRoot().children() if isinstance(node, QgsLayerTreeGroup)]
    if not groups:
        fail("no group per service")
    for k, group in enumerate(groups):
        layers = [node.layer() for node in group.findLayers()]
        for layer in layers:
            if layer is None or not layer.isValid():
                fail(f"group {group.name()}: a layer is missing or invalid")
            if layer.renderer() is None:
                fail(f"group {group.name()}: layer {layer.name()} has no style")
        ranks = [ORDER[layer.geometryType()] for layer in layers]
        if ranks != sorted(ranks):
            fail(f"group {group.name()}: layers not stacked points, lines, polygons: {[l.name() for l in layers]}")
        if group.isVisible() != (k == 0):
            fail(f"group {group.name()}: only the first group should be shown")
        print(f"ok group {group.name()}: {', '.join(f'{l.name()} ({l.featureCount()})' for l in layers)}")
    return groups


def render(project, png):
    canvas = project.viewSettings().defaultViewExtent()
    settings = QgsMapSettings()
    visible = [node.layer() for node in project.layerTreeRoot().findLayers() if node.isVisible()]
    settings.setLayers(visible)
    settings.setDestinationCrs(project.crs())
    settings.setExtent(canvas if not canvas.isEmpty() else settings.fullExtent())
    settings.setOutputSize(QSize(1000, 800))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png)
    red = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = QColor(image.pixel(x, y))
            if abs(c.red() - NEW_SITE[0]) < 30 and c.green() < 70 and c.blue() < 70:
                red += 1
    return red


def main():
    plan, png = sys.argv[1], sys.argv[2]
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    if not project.read(project_uri(plan)):
        fail(f"QGIS cannot read the project of {plan}")
    if not project.crs().isValid():
        fail("the project has no valid CRS")
    print(f"ok project {project.title()}: CRS {project.crs().authid()}")
    check_groups(project)
    red = render(project, png)
    if red == 0:
        fail("no new site is seen on the rendered map")
    print(f"ok rendered {png}: {red} pixels of new sites seen")
    app.exitQgis()


if __name__ == "__main__":
    main()
