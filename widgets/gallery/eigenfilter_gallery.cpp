#include "widgets/gallery/eigenfilter_gallery.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <functional>

namespace codescope::widgets {

namespace {

constexpr int kDefaultTileSize = 96;
constexpr int kCellPadding = 8;    ///< around each tile, so neighbouring titles do not touch
constexpr int kTitleLines = 2;     ///< titles wrap onto at most two lines under the tile
constexpr int kEnlargedSize = 512; ///< longer side of the enlarged view

/// 127.5 + 127.5 v / m, rounded and clamped: the symmetric scale of galleryImageToQImage.
int symmetricLevel(double value, double maxMagnitude) {
    if (!(maxMagnitude > 0) || !std::isfinite(value)) return 128;
    const long level = std::lround(127.5 + 127.5 * value / maxMagnitude);
    return static_cast<int>(std::clamp(level, 0L, 255L));
}

/// Nearest-neighbour upscaling so that the longer side is `edge` pixels (pixels stay sharp squares).
QImage scaledToEdge(const QImage& picture, int edge) {
    if (picture.isNull()) return {};
    const int longer = std::max(picture.width(), picture.height());
    const QSize size(std::max(1, static_cast<int>(std::lround(double(edge) * picture.width() / longer))),
                     std::max(1, static_cast<int>(std::lround(double(edge) * picture.height() / longer))));
    return picture.scaled(size, Qt::IgnoreAspectRatio, Qt::FastTransformation);
}

} // namespace

QImage galleryImageToQImage(const GalleryImage& image) {
    if (image.channels < 1 || image.height < 1 || image.width < 1) return {};
    QImage picture(image.width, image.height, QImage::Format_RGB32);
    const std::size_t plane = static_cast<std::size_t>(image.height) * image.width;
    if (image.values.size() != plane * image.channels) {
        picture.fill(QColor(128, 128, 128));
        return picture;
    }
    double maxMagnitude = 0;
    for (double v : image.values)
        if (std::isfinite(v)) maxMagnitude = std::max(maxMagnitude, std::abs(v));
    for (int y = 0; y < image.height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(picture.scanLine(y));
        for (int x = 0; x < image.width; ++x) {
            const std::size_t at = static_cast<std::size_t>(y) * image.width + x;
            if (image.channels == 3) {
                line[x] = qRgb(symmetricLevel(image.values[at], maxMagnitude),
                               symmetricLevel(image.values[plane + at], maxMagnitude),
                               symmetricLevel(image.values[2 * plane + at], maxMagnitude));
                continue;
            }
            double sum = 0;
            for (int c = 0; c < image.channels; ++c)
                sum += image.values[c * plane + at];
            // The mean of C channels is at most the max magnitude, so the same scale keeps 0 grey.
            const int grey = symmetricLevel(sum / image.channels, maxMagnitude);
            line[x] = qRgb(grey, grey, grey);
        }
    }
    return picture;
}

/// The tiles in rows that fill the scroll area's width; painted directly, so thousands of pixels per tile cost one
/// drawImage each.
class EigenfilterGallery::TileGrid : public QWidget {
public:
    TileGrid(const std::vector<QImage>& pictures, const std::vector<GalleryImage>& images)
        : m_pictures(pictures), m_images(images) {
        setMouseTracking(true);
    }

    std::function<void(int)> onClicked;

    void setTileSize(int pixels) {
        m_tileSize = pixels;
        m_scaled.clear();
    }
    int tileSize() const { return m_tileSize; }
    void picturesChanged() { m_scaled.clear(); }

    const QImage& scaled(int index) const {
        if (m_scaled.size() != m_pictures.size()) {
            m_scaled.clear();
            for (const QImage& picture : m_pictures)
                m_scaled.push_back(scaledToEdge(picture, m_tileSize));
        }
        return m_scaled[index];
    }

    QSize cellSize() const {
        return {m_tileSize + 2 * kCellPadding, m_tileSize + kTitleLines * fontMetrics().height() + 3 * kCellPadding};
    }
    int columns() const { return std::max(1, width() / cellSize().width()); }

    /// Fits the grid to `availableWidth`: as many columns as fit, as tall as the rows need.
    void relayout(int availableWidth) {
        const QSize cell = cellSize();
        const int cols = std::max(1, availableWidth / cell.width());
        const int count = static_cast<int>(m_pictures.size());
        const int rows = (count + cols - 1) / cols;
        resize(std::max(availableWidth, cell.width()), std::max(1, rows * cell.height()));
        update();
    }

    QRect cellRect(int index) const {
        const QSize cell = cellSize();
        const int cols = columns();
        return {QPoint((index % cols) * cell.width(), (index / cols) * cell.height()), cell};
    }
    QRect imageRect(int index) const {
        if (index < 0 || index >= static_cast<int>(m_pictures.size())) return {};
        const QRect cell = cellRect(index);
        const QImage& picture = scaled(index);
        // Centred in the square tile, so a wide image and a tall one line up on the same rows.
        const QPoint corner(cell.left() + kCellPadding + (m_tileSize - picture.width()) / 2,
                            cell.top() + kCellPadding + (m_tileSize - picture.height()) / 2);
        return {corner, picture.size()};
    }
    int indexAt(const QPoint& position) const {
        for (int i = 0; i < static_cast<int>(m_pictures.size()); ++i)
            if (imageRect(i).contains(position)) return i;
        return -1;
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter painter(this);
        const int lineHeight = fontMetrics().height();
        for (int i = 0; i < static_cast<int>(m_pictures.size()); ++i) {
            const QRect cell = cellRect(i);
            const QRect image = imageRect(i);
            painter.drawImage(image.topLeft(), scaled(i));
            painter.setPen(palette().color(QPalette::Mid));
            painter.drawRect(image.adjusted(-1, -1, 0, 0));
            painter.setPen(palette().color(QPalette::WindowText));
            const QRect title(cell.left() + 2, cell.top() + 2 * kCellPadding + m_tileSize, cell.width() - 4,
                              kTitleLines * lineHeight);
            painter.drawText(title, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, m_images[i].title);
        }
    }
    void mouseMoveEvent(QMouseEvent* event) override {
        setCursor(indexAt(event->position().toPoint()) >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    }
    void mousePressEvent(QMouseEvent* event) override {
        const int index = indexAt(event->position().toPoint());
        if (event->button() == Qt::LeftButton && index >= 0 && onClicked) onClicked(index);
    }

private:
    const std::vector<QImage>& m_pictures;
    const std::vector<GalleryImage>& m_images;
    int m_tileSize = kDefaultTileSize;
    mutable std::vector<QImage> m_scaled; ///< the pictures at the tile size, made on first paint
};

EigenfilterGallery::EigenfilterGallery(QWidget* parent)
    : QWidget(parent), m_caption(new QLabel), m_zoom(new QSlider(Qt::Horizontal)), m_zoomLabel(new QLabel),
      m_scroll(new QScrollArea), m_grid(new TileGrid(m_pictures, m_images)) {
    m_caption->setObjectName("galleryCaption");
    m_caption->setWordWrap(true);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_zoom->setObjectName("galleryZoom");
    m_zoom->setRange(kMinTileSize, kMaxTileSize);
    m_zoom->setSingleStep(8);
    m_zoom->setPageStep(32);
    m_zoom->setValue(kDefaultTileSize);
    m_zoom->setToolTip(tr("Tile size: each image is enlarged by nearest neighbour, so its pixels stay visible"));
    m_zoom->setMaximumWidth(220);
    m_zoomLabel->setText(tr("Zoom: %1 px").arg(kDefaultTileSize));
    m_grid->setObjectName("galleryTiles");
    m_grid->onClicked = [this](int index) { openEnlarged(index); };
    m_scroll->setObjectName("galleryScroll");
    m_scroll->setWidget(m_grid);
    m_scroll->setWidgetResizable(false);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->viewport()->installEventFilter(this);

    // The caption on a row of its own: a word-wrapped label beside other widgets gets one line's height.
    auto* zoomRow = new QHBoxLayout;
    zoomRow->addStretch(1);
    zoomRow->addWidget(m_zoomLabel);
    zoomRow->addWidget(m_zoom);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(zoomRow);
    layout->addWidget(m_caption);
    layout->addWidget(m_scroll, 1);

    connect(m_zoom, &QSlider::valueChanged, this, [this](int pixels) {
        m_grid->setTileSize(pixels);
        m_zoomLabel->setText(tr("Zoom: %1 px").arg(pixels));
        m_grid->relayout(m_scroll->viewport()->width());
        Q_EMIT tileSizeChanged(pixels);
    });
}

EigenfilterGallery::~EigenfilterGallery() {
    delete m_enlarged; // before the members its destroyed() handler touches
}

bool EigenfilterGallery::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize)
        m_grid->relayout(m_scroll->viewport()->width());
    return QWidget::eventFilter(watched, event);
}

void EigenfilterGallery::setImages(std::vector<GalleryImage> images, QString caption) {
    m_images = std::move(images);
    m_pictures.clear();
    for (const GalleryImage& image : m_images)
        m_pictures.push_back(galleryImageToQImage(image));
    m_grid->picturesChanged();
    m_caption->setText(caption);
    m_grid->relayout(m_scroll->viewport()->width());
    if (m_enlarged) m_enlarged->close();
    m_enlargedIndex = -1;
}

QString EigenfilterGallery::caption() const {
    return m_caption->text();
}

int EigenfilterGallery::tileSize() const {
    return m_grid->tileSize();
}

void EigenfilterGallery::setTileSize(int pixels) {
    m_zoom->setValue(std::clamp(pixels, kMinTileSize, kMaxTileSize));
}

QImage EigenfilterGallery::tileImage(int index) const {
    if (index < 0 || index >= tileCount()) return {};
    return m_grid->scaled(index);
}

QRect EigenfilterGallery::tileRect(int index) const {
    return m_grid->imageRect(index);
}

QWidget* EigenfilterGallery::tileArea() const {
    return m_grid;
}

void EigenfilterGallery::openEnlarged(int index) {
    if (index < 0 || index >= tileCount()) return;
    if (!m_enlarged) {
        auto* dialog = new QDialog(this);
        dialog->setObjectName("enlargedFilter");
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        m_enlargedPicture = new QLabel;
        m_enlargedPicture->setObjectName("enlargedPicture");
        m_enlargedPicture->setAlignment(Qt::AlignCenter);
        m_enlargedTitle = new QLabel;
        m_enlargedTitle->setObjectName("enlargedTitle");
        m_enlargedTitle->setAlignment(Qt::AlignCenter);
        m_enlargedTitle->setWordWrap(true);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
        auto* layout = new QVBoxLayout(dialog);
        layout->addWidget(m_enlargedPicture, 1);
        layout->addWidget(m_enlargedTitle);
        layout->addWidget(buttons);
        connect(dialog, &QObject::destroyed, this, [this] { m_enlargedIndex = -1; });
        m_enlarged = dialog;
    }
    m_enlargedIndex = index;
    const GalleryImage& image = m_images[index];
    m_enlargedPicture->setPixmap(QPixmap::fromImage(scaledToEdge(m_pictures[index], kEnlargedSize)));
    m_enlargedTitle->setText(image.title + QStringLiteral("\n") +
                             tr("%1 × %2 × %3; grey = 0, white = +max, black = −max")
                                 .arg(image.channels)
                                 .arg(image.height)
                                 .arg(image.width));
    m_enlarged->setWindowTitle(image.title);
    if (!m_enlarged->isVisible()) m_enlarged->open();
}

} // namespace codescope::widgets
