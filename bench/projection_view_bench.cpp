// codescope-projection-view-bench: frame time of the 3-D projection view (Fig. 4b) with 50 curves of 1000 points,
// against an empty scene in the same process, window and run, while the camera turns a little every frame. It needs
// a display with OpenGL; headless, run it on a virtual X server (Mesa's llvmpipe then renders on the CPU):
//   xvfb-run -a -s "-screen 0 1600x1000x24" build/bin/codescope-projection-view-bench
// Columns: "render" is VTK drawing into the widget's framebuffer until OpenGL has finished (renderNow); "on screen"
// is a whole Qt frame (update() until the window has been composed and swapped); "first" is setCurves() plus the first
// render (buffers uploaded, shaders compiled).
#include <QApplication>
#include <QEventLoop>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "widgets/projection3d/projection_view_3d.h"

using codescope::bench::argument;
using codescope::bench::flag;
using codescope::bench::seconds;
using codescope::widgets::ProjectionCurves;
using codescope::widgets::ProjectionView3D;
using codescope::widgets::ViewCamera;
using codescope::widgets::VtkOpenGLWidget;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// `count` curves of `samples` points: random 3-D projections of a point circling in a plane, with some wobble.
ProjectionCurves benchCurves(long count, long samples) {
    std::mt19937 rng(1);
    std::normal_distribution<double> gaussian(0.0, 1.0);
    ProjectionCurves layer;
    layer.layer = QStringLiteral("bench layer");
    layer.averageActivation = 0.5;
    for (long c = 0; c < count; ++c) {
        double a[3][3];
        for (auto& row : a)
            for (double& entry : row)
                entry = gaussian(rng);
        codescope::widgets::ProjectionCurve curve;
        curve.reserve(static_cast<std::size_t>(samples));
        for (long t = 0; t < samples; ++t) {
            const double theta = 2 * kPi * static_cast<double>(t) / static_cast<double>(samples);
            const double latent[3] = {std::cos(theta), std::sin(theta), 0.3 * std::cos(5 * theta)};
            curve.push_back({a[0][0] * latent[0] + a[0][1] * latent[1] + a[0][2] * latent[2],
                             a[1][0] * latent[0] + a[1][1] * latent[1] + a[1][2] * latent[2],
                             a[2][0] * latent[0] + a[2][1] * latent[1] + a[2][2] * latent[2]});
        }
        layer.curves.push_back(std::move(curve));
    }
    return layer;
}

/// The camera turned by `degrees` about the vertical axis through its focal point.
ViewCamera turned(ViewCamera camera, double degrees) {
    const double angle = degrees * kPi / 180;
    const double dx = camera.position[0] - camera.focalPoint[0];
    const double dy = camera.position[1] - camera.focalPoint[1];
    camera.position[0] = camera.focalPoint[0] + std::cos(angle) * dx - std::sin(angle) * dy;
    camera.position[1] = camera.focalPoint[1] + std::sin(angle) * dx + std::cos(angle) * dy;
    return camera;
}

struct Timings {
    double first = 0;             ///< setCurves + first render, seconds
    std::vector<double> render;   ///< per frame, seconds
    std::vector<double> onScreen; ///< per frame, seconds
};

double mean(const std::vector<double>& values) {
    double sum = 0;
    for (double v : values)
        sum += v;
    return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

/// The text after `name` on the command line, or "".
QString textArgument(int argc, char** argv, const char* name) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return QString::fromLocal8Bit(argv[i + 1]);
    return {};
}

/// One whole Qt frame: waits until the window has been composed and swapped (or 5 s have passed).
void frameOnScreen(ProjectionView3D& view) {
    QEventLoop loop;
    QObject::connect(&view, &QOpenGLWidget::frameSwapped, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    view.update();
    loop.exec();
}

Timings measure(ProjectionView3D& view, const ProjectionCurves& scene, bool tubes, long frames) {
    Timings timings;
    view.setTubes(tubes);
    timings.first = seconds([&] {
        view.setCurves(scene);
        view.renderNow();
    });
    const ViewCamera start = view.camera();
    for (int warmUp = 0; warmUp < 3; ++warmUp)
        frameOnScreen(view);
    const double step = 360.0 / static_cast<double>(frames);
    for (long i = 0; i < frames; ++i) {
        view.setCamera(turned(start, step * static_cast<double>(i)));
        timings.render.push_back(seconds([&] { view.renderNow(); }));
    }
    for (long i = 0; i < frames; ++i) {
        view.setCamera(turned(start, step * static_cast<double>(i)));
        timings.onScreen.push_back(seconds([&] { frameOnScreen(view); }));
    }
    return timings;
}

} // namespace

int main(int argc, char** argv) {
    if (flag(argc, argv, "--help")) {
        std::puts("usage: codescope-projection-view-bench [--curves 50] [--points 1000] [--frames 100] [--width 800]\n"
                  "                                       [--height 600] [--image lines.png]\n"
                  "  --image  also saves the lines scene, rendered offscreen, as a PNG\n"
                  "  needs a display with OpenGL 3.2: headless, run it under\n"
                  "  xvfb-run -a -s \"-screen 0 1600x1000x24\"");
        return 0;
    }
    const long curves = argument(argc, argv, "--curves", 50);
    const long points = argument(argc, argv, "--points", 1000);
    const long frames = std::max(1L, argument(argc, argv, "--frames", 100));
    const int width = static_cast<int>(argument(argc, argv, "--width", 800));
    const int height = static_cast<int>(argument(argc, argv, "--height", 600));

    QSurfaceFormat::setDefaultFormat(VtkOpenGLWidget::vtkSurfaceFormat());
    QApplication app(argc, argv);
    if (!VtkOpenGLWidget::openGLAvailable()) {
        std::fprintf(stderr,
                     "codescope-projection-view-bench: no OpenGL 3.2 on this display (platform %s); run it "
                     "under xvfb-run -a -s \"-screen 0 1600x1000x24\"\n",
                     qPrintable(QGuiApplication::platformName()));
        return 2;
    }
    ProjectionView3D view;
    view.resize(width, height);
    view.show();
    for (int i = 0; i < 100 && !view.isValid(); ++i)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!view.isValid()) {
        std::fprintf(stderr, "codescope-projection-view-bench: the view got no OpenGL context\n");
        return 2;
    }
    view.makeCurrent();
    const auto* rendererName = view.context()->functions()->glGetString(GL_RENDERER);
    const std::string glRenderer = rendererName ? reinterpret_cast<const char*>(rendererName) : "unknown";
    view.doneCurrent();

    std::printf("codescope-projection-view-bench: %d x %d view (device pixel ratio %.2g), %ld frames per scene,\n"
                "  camera turning %.3g degrees per frame; OpenGL renderer: %s\n",
                width, height, view.devicePixelRatioF(), frames, 360.0 / static_cast<double>(frames),
                glRenderer.c_str());

    const ProjectionCurves empty;
    const ProjectionCurves full = benchCurves(curves, points);
    struct Row {
        std::string name;
        Timings timings;
    };
    std::vector<Row> rows;
    rows.push_back({"empty scene (baseline)", measure(view, empty, false, frames)});
    const std::string size = std::to_string(curves) + " curves x " + std::to_string(points) + " points";
    rows.push_back({size + ", lines", measure(view, full, false, frames)});
    rows.push_back({size + ", tubes", measure(view, full, true, frames)});

    if (const QString image = textArgument(argc, argv, "--image"); !image.isEmpty()) {
        view.setTubes(false);
        view.setCurves(full);
        if (!view.renderImage(QSize(width, height)).save(image))
            std::fprintf(stderr, "cannot write %s\n", qPrintable(image));
    }

    const double baseline = median(rows.front().timings.render);
    std::printf("\n%-40s %12s %12s %12s %12s %10s %12s\n", "scene", "render mean", "render med", "screen mean",
                "screen med", "first", "render/base");
    for (const Row& row : rows)
        std::printf("%-40s %9.2f ms %9.2f ms %9.2f ms %9.2f ms %7.1f ms %11.1fx\n", row.name.c_str(),
                    1e3 * mean(row.timings.render), 1e3 * median(row.timings.render), 1e3 * mean(row.timings.onScreen),
                    1e3 * median(row.timings.onScreen), 1e3 * row.timings.first, median(row.timings.render) / baseline);
    return 0;
}
