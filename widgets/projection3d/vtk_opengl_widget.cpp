#include "widgets/projection3d/vtk_opengl_widget.h"

#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QOpenGLFunctions>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkRenderer.h>

namespace codescope::widgets {

namespace {

// VTK's unit of text size is the point at vtkWindow's DPI, 72 by default: one point per device pixel.
constexpr double kVtkBaseDpi = 72.0;
// One wheel notch (QWheelEvent::angleDelta) is 120 units; VTK zooms one step per notch.
constexpr int kWheelNotch = 120;

} // namespace

struct VtkOpenGLWidget::Vtk {
    explicit Vtk(VtkOpenGLWidget* owner) : widget(owner) {}

    // vtkGenericOpenGLRenderWindow asks its host for the context through events (its class comment).
    void onWindowEvent(vtkObject*, unsigned long event, void* callData) {
        QOpenGLContext* ours = widget->context();
        switch (event) {
        case vtkCommand::WindowMakeCurrentEvent:
            // Only when another context is current: makeCurrent() also rebinds the widget's framebuffer, which
            // would redirect renderImage()'s drawing away from its own framebuffer.
            if (ours && QOpenGLContext::currentContext() != ours) widget->makeCurrent();
            break;
        case vtkCommand::WindowIsCurrentEvent:
            *static_cast<bool*>(callData) = ours && QOpenGLContext::currentContext() == ours;
            break;
        case vtkCommand::WindowSupportsOpenGLEvent:
        case vtkCommand::WindowIsDirectEvent:
            *static_cast<int*>(callData) = ours ? 1 : 0;
            break;
        default:
            break;
        }
    }

    VtkOpenGLWidget* widget;
    vtkNew<vtkGenericOpenGLRenderWindow> window;
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkGenericRenderWindowInteractor> interactor;
    vtkNew<vtkInteractorStyleTrackballCamera> style;
    Qt::MouseButton pressedButton = Qt::NoButton; ///< the button whose press VTK received, until its release
    int wheelRemainder = 0;                       ///< angle delta not yet turned into zoom steps
};

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent) : QOpenGLWidget(parent), m_vtk(std::make_unique<Vtk>(this)) {
    setFormat(vtkSurfaceFormat());
    setFocusPolicy(Qt::StrongFocus);
    vtkGenericOpenGLRenderWindow* window = m_vtk->window;
    for (const unsigned long event : {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent,
                                      vtkCommand::WindowSupportsOpenGLEvent, vtkCommand::WindowIsDirectEvent})
        window->AddObserver(event, m_vtk.get(), &Vtk::onWindowEvent);
    // VTK renders only inside paintGL() (and renderImage/renderNow), never when an observer or the interactor asks.
    window->SetReadyForRendering(false);
    // Multisampling is off: Mesa's software rasteriser pays for every sample, and lines read well without it.
    window->SetMultiSamples(0);
    window->AddRenderer(m_vtk->renderer);
    m_vtk->renderer->SetBackground(1, 1, 1);
    m_vtk->renderer->SetBackgroundAlpha(1); // VTK's default 0 would make exported images transparent
    m_vtk->interactor->SetRenderWindow(window);
    m_vtk->interactor->SetInteractorStyle(m_vtk->style);
    // The interactor must not render by itself: after each forwarded event the widget asks Qt for a repaint.
    m_vtk->interactor->EnableRenderOff();
    m_vtk->interactor->Initialize();
}

VtkOpenGLWidget::~VtkOpenGLWidget() {
    // QOpenGLWidget's destructor destroys the context and would signal aboutToBeDestroyed to a half-destroyed object.
    if (QOpenGLContext* ours = context()) disconnect(ours, nullptr, this, nullptr);
    if (isValid()) releaseGraphics();
}

QSurfaceFormat VtkOpenGLWidget::vtkSurfaceFormat() {
    QSurfaceFormat format = QSurfaceFormat::defaultFormat();
    format.setRenderableType(QSurfaceFormat::OpenGL);
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(8);
    format.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    return format;
}

bool VtkOpenGLWidget::openGLAvailable() {
    static const bool available = [] {
        QOpenGLContext probe;
        probe.setFormat(vtkSurfaceFormat());
        if (!probe.create()) return false;
        QOffscreenSurface surface;
        surface.setFormat(probe.format());
        surface.create();
        if (!surface.isValid() || !probe.makeCurrent(&surface)) return false;
        const QSurfaceFormat got = probe.format();
        probe.doneCurrent();
        return got.majorVersion() > 3 || (got.majorVersion() == 3 && got.minorVersion() >= 2);
    }();
    return available;
}

vtkGenericOpenGLRenderWindow* VtkOpenGLWidget::renderWindow() const {
    return m_vtk->window;
}

vtkRenderer* VtkOpenGLWidget::renderer() const {
    return m_vtk->renderer;
}

vtkRenderWindowInteractor* VtkOpenGLWidget::interactor() const {
    return m_vtk->interactor;
}

void VtkOpenGLWidget::initializeGL() {
    // Called again with a new context when the widget moves to another top-level window: the old context's VTK
    // resources were released in releaseGraphics().
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &VtkOpenGLWidget::releaseGraphics,
            Qt::UniqueConnection);
    vtkGenericOpenGLRenderWindow* window = m_vtk->window;
    window->SetOwnContext(false);
    window->SetFrameBlitModeToBlitToCurrent(); // into whichever framebuffer is bound when VTK renders
    // Report a hardware line width of 1 so that VTK draws wide lines itself (core profiles have no wide lines).
    window->SetForceMaximumHardwareLineWidth(1);
    window->OpenGLInitContext();
}

void VtkOpenGLWidget::resizeGL(int width, int height) {
    const double ratio = devicePixelRatioF();
    m_vtk->interactor->UpdateSize(static_cast<int>(std::lround(width * ratio)),
                                  static_cast<int>(std::lround(height * ratio)));
    m_vtk->window->SetDPI(static_cast<int>(std::lround(kVtkBaseDpi * ratio)));
}

void VtkOpenGLWidget::paintGL() {
    renderScene();
}

void VtkOpenGLWidget::renderScene() {
    vtkGenericOpenGLRenderWindow* window = m_vtk->window;
    window->SetReadyForRendering(true);
    window->Render();
    window->SetReadyForRendering(false);
}

void VtkOpenGLWidget::releaseGraphics() {
    makeCurrent();
    m_vtk->window->Finalize(); // frees the shaders, buffers and textures of every prop in this context
    doneCurrent();
}

QImage VtkOpenGLWidget::renderImage(QSize size) {
    if (!isValid() || size.isEmpty()) return {};
    makeCurrent();
    QOpenGLFramebufferObjectFormat format;
    format.setAttachment(QOpenGLFramebufferObject::CombinedDepthStencil);
    QOpenGLFramebufferObject target(size, format);
    QImage image;
    if (target.isValid() && target.bind()) {
        vtkGenericOpenGLRenderWindow* window = m_vtk->window;
        const int* current = window->GetSize();
        const int screenSize[2] = {current[0], current[1]};
        const int screenDpi = window->GetDPI();
        const double textScale = width() > 0 ? static_cast<double>(size.width()) / width() : devicePixelRatioF();
        window->SetSize(size.width(), size.height());
        window->SetDPI(std::max(1, static_cast<int>(std::lround(kVtkBaseDpi * textScale))));
        renderScene();
        image = target.toImage();
        target.release();
        window->SetSize(screenSize[0], screenSize[1]);
        window->SetDPI(screenDpi);
    }
    doneCurrent();
    return image.isNull() ? image : image.convertToFormat(QImage::Format_RGB32);
}

bool VtkOpenGLWidget::renderNow() {
    if (!isValid()) return false;
    makeCurrent();
    renderScene();
    context()->functions()->glFinish();
    doneCurrent();
    return true;
}

void VtkOpenGLWidget::setEventInformation(const QPointF& position, Qt::KeyboardModifiers modifiers) {
    const double ratio = devicePixelRatioF();
    vtkGenericRenderWindowInteractor* interactor = m_vtk->interactor;
    interactor->SetEventInformationFlipY(
        static_cast<int>(std::lround(position.x() * ratio)), static_cast<int>(std::lround(position.y() * ratio)),
        modifiers.testFlag(Qt::ControlModifier) ? 1 : 0, modifiers.testFlag(Qt::ShiftModifier) ? 1 : 0);
    interactor->SetAltKey(modifiers.testFlag(Qt::AltModifier) ? 1 : 0);
}

void VtkOpenGLWidget::mousePressEvent(QMouseEvent* event) {
    const Qt::MouseButton button = event->button();
    if ((button != Qt::LeftButton && button != Qt::MiddleButton) || m_vtk->pressedButton != Qt::NoButton) {
        QOpenGLWidget::mousePressEvent(event);
        return;
    }
    setFocus(Qt::MouseFocusReason);
    setEventInformation(event->position(), event->modifiers());
    m_vtk->pressedButton = button;
    if (button == Qt::LeftButton)
        m_vtk->interactor->LeftButtonPressEvent();
    else
        m_vtk->interactor->MiddleButtonPressEvent();
    event->accept();
}

void VtkOpenGLWidget::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != m_vtk->pressedButton || m_vtk->pressedButton == Qt::NoButton) {
        QOpenGLWidget::mouseReleaseEvent(event);
        return;
    }
    setEventInformation(event->position(), event->modifiers());
    if (m_vtk->pressedButton == Qt::LeftButton)
        m_vtk->interactor->LeftButtonReleaseEvent();
    else
        m_vtk->interactor->MiddleButtonReleaseEvent();
    m_vtk->pressedButton = Qt::NoButton;
    event->accept();
    update();
}

void VtkOpenGLWidget::mouseMoveEvent(QMouseEvent* event) {
    if (m_vtk->pressedButton == Qt::NoButton) {
        QOpenGLWidget::mouseMoveEvent(event);
        return;
    }
    setEventInformation(event->position(), event->modifiers());
    m_vtk->interactor->MouseMoveEvent();
    event->accept();
    update();
    Q_EMIT cameraInteracted();
}

void VtkOpenGLWidget::wheelEvent(QWheelEvent* event) {
    // Touchpads send many small deltas: zoom one VTK step per whole notch.
    m_vtk->wheelRemainder += event->angleDelta().y();
    const int steps = m_vtk->wheelRemainder / kWheelNotch;
    m_vtk->wheelRemainder -= steps * kWheelNotch;
    event->accept();
    if (steps == 0) return;
    setEventInformation(event->position(), event->modifiers());
    for (int i = 0; i < std::abs(steps); ++i) {
        if (steps > 0)
            m_vtk->interactor->MouseWheelForwardEvent();
        else
            m_vtk->interactor->MouseWheelBackwardEvent();
    }
    update();
    Q_EMIT cameraInteracted();
}

} // namespace codescope::widgets
