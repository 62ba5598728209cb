#pragma once
// The bridge between Qt 6 and VTK's renderer: a QOpenGLWidget hosting a vtkGenericOpenGLRenderWindow. Debian 12's VTK
// Qt module (QVTKOpenGLNativeWidget) is built against Qt 5 and cannot be linked into this Qt 6 program,
// so VTK renders into its own framebuffer inside paintGL() and blits into the widget's. Left-button drags rotate
// (trackball camera; Shift pans, Ctrl spins), the middle button pans and the wheel zooms: those events go to a
// vtkGenericRenderWindowInteractor. The right button is left to the widget's context menu. Drawing happens on the GUI
// thread only. VTK's headers stay in the .cpp: users of this header need no VTK include path.
#include <QImage>
#include <QOpenGLWidget>
#include <QSize>
#include <QSurfaceFormat>
#include <memory>

class vtkGenericOpenGLRenderWindow;
class vtkRenderer;
class vtkRenderWindowInteractor;

namespace codescope::widgets {

class VtkOpenGLWidget : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkOpenGLWidget(QWidget* parent = nullptr);
    ~VtkOpenGLWidget() override;
    VtkOpenGLWidget(const VtkOpenGLWidget&) = delete;
    VtkOpenGLWidget& operator=(const VtkOpenGLWidget&) = delete;

    /// The surface VTK's OpenGL2 back end needs: OpenGL 3.2 core profile, 24-bit depth, 8-bit stencil. Pass it to
    /// QSurfaceFormat::setDefaultFormat() before the QApplication exists, so every window shares a compatible context.
    static QSurfaceFormat vtkSurfaceFormat();

    /// Whether this platform gives an OpenGL 3.2 (or newer) context of vtkSurfaceFormat(). False on Qt's offscreen
    /// platform and on X servers without GLX, where showing a QOpenGLWidget crashes inside Qt's compositor: check it
    /// before showing a view. Needs the QGuiApplication; the answer is worked out once.
    static bool openGLAvailable();

    /// VTK's side, for subclasses that build a scene: one window, one renderer filling it, one interactor.
    vtkGenericOpenGLRenderWindow* renderWindow() const;
    vtkRenderer* renderer() const;
    vtkRenderWindowInteractor* interactor() const;

    /// Renders the scene now into an offscreen image of `size` pixels and returns it (opaque, Format_RGB32); the
    /// screen is not touched. Text grows with the image: an image twice the widget's width has text twice as large,
    /// so an export looks like the view. Null when the widget has no OpenGL context yet (it gets one when first
    /// shown) or `size` is empty or larger than the OpenGL implementation allows.
    QImage renderImage(QSize size);

    /// Renders the scene into the widget's framebuffer now and waits until OpenGL has finished (what benchmarks time);
    /// the screen shows the result at the next paint. False when the widget has no OpenGL context yet.
    bool renderNow();

Q_SIGNALS:
    /// The user moved the camera with the mouse (a drag step or a wheel step).
    void cameraInteracted();

protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    struct Vtk;
    /// Hands an event's position (in device pixels, y up) and modifier keys to the interactor.
    void setEventInformation(const QPointF& position, Qt::KeyboardModifiers modifiers);
    void renderScene();
    void releaseGraphics();

    std::unique_ptr<Vtk> m_vtk;
};

} // namespace codescope::widgets
