#pragma once
// The eigenfilter gallery (paper, Fig. 3d: a layer's principal components shown as input-space images): a grid of
// tiles with a zoom control, a title under each tile, and an enlarged view of a tile on click. Fed plain images
// (DESIGN.md rule 5); it knows nothing of models or PCA.
#include <QDialog>
#include <QImage>
#include <QPointer>
#include <QRect>
#include <QString>
#include <QWidget>
#include <vector>

class QLabel;
class QScrollArea;
class QSlider;

namespace codescope::widgets {

/// One image of the gallery: a real-valued picture of `channels` x `height` x `width` values (channel-major, then
/// row-major), drawn with a symmetric scale so 0 is mid-grey whatever its range.
struct GalleryImage {
    QString title; ///< drawn under the tile, e.g. "PC 1, λ = 0.42"
    int channels = 1, height = 0, width = 0;
    std::vector<double> values; ///< C x H x W
};

/// The picture of `image` at its own resolution, scaled symmetrically by its largest magnitude m: for one channel
/// 0 -> 128 (mid-grey), +m -> 255 (white), -m -> 0 (black); for three channels each channel the same way (RGB
/// around 127.5); other channel counts are drawn as the mean over channels. An all-zero or malformed image is grey.
QImage galleryImageToQImage(const GalleryImage& image);

class EigenfilterGallery : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMinTileSize = 48;
    static constexpr int kMaxTileSize = 256;

    explicit EigenfilterGallery(QWidget* parent = nullptr);
    ~EigenfilterGallery() override;

    /// Shows `images` in order under `caption` (which also explains an empty gallery); closes an enlarged view.
    void setImages(std::vector<GalleryImage> images, QString caption);
    const std::vector<GalleryImage>& images() const { return m_images; }
    QString caption() const;

    int tileCount() const { return static_cast<int>(m_images.size()); }
    /// Edge of a tile in pixels (the longer side of the image), kMinTileSize..kMaxTileSize.
    int tileSize() const;
    /// Clamped to kMinTileSize..kMaxTileSize; moves the zoom slider.
    void setTileSize(int pixels);
    /// Tile `index` as drawn: upscaled by nearest neighbour to the tile size (null for a bad index).
    QImage tileImage(int index) const;
    /// Where tile `index` is drawn in tileArea() (the image only, not its title); empty for a bad index.
    QRect tileRect(int index) const;
    /// The widget that holds the tiles (inside a scroll area): clicks on it open the enlarged view.
    QWidget* tileArea() const;
    QSlider* zoomSlider() const { return m_zoom; }

    /// Opens (or updates) the enlarged view of tile `index` without blocking (QDialog::open).
    void openEnlarged(int index);
    /// The enlarged view, while one is open or was opened and not yet closed; null otherwise.
    QDialog* enlargedDialog() const { return m_enlarged; }
    /// The tile the enlarged view shows, or -1.
    int enlargedIndex() const { return m_enlargedIndex; }

Q_SIGNALS:
    void tileSizeChanged(int pixels);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    class TileGrid;

    std::vector<GalleryImage> m_images;
    std::vector<QImage> m_pictures; ///< each image at its own resolution
    QLabel* m_caption;
    QSlider* m_zoom;
    QLabel* m_zoomLabel;
    QScrollArea* m_scroll;
    TileGrid* m_grid;
    QPointer<QDialog> m_enlarged;
    QLabel* m_enlargedPicture = nullptr;
    QLabel* m_enlargedTitle = nullptr;
    int m_enlargedIndex = -1;
};

} // namespace codescope::widgets
