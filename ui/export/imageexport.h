#pragma once

#include "io/eventrange.h"

#include <QImage>
#include <QPageLayout>
#include <QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Loopscope {

class TraceDigest;
namespace detail {
class ExportScene;
}

enum class ImageFormat { Png, Svg, Pdf };
enum class ImageView {
    Sequence, //!< the sequence diagram: lifelines, arrows, activations, notes
    Timeline, //!< one swimlane per task, coloured by state over time
    Network,  //!< the HTTP requests' waterfall, the connections and the in-flight count
};

//! "sequence diagram", "timeline", "network waterfall".
QString viewName(ImageView view);

/*!
 * Pictures of a trace for documents and slides: the WHOLE sequence diagram (or a range of its
 * events), not just what a window shows, or the timeline, as PNG, SVG or PDF. Painting goes
 * through the views' own painter-agnostic renderers (SequenceRenderer, TimelineRenderer), so an
 * export looks like the app in a light theme. SVG and PDF keep text as text (selectable and
 * searchable).
 *
 * Long diagrams: SVG is one tall picture; PDF is paginated with the lifeline headers at the top of
 * every page (and the axis, for the timeline); PNG is one tall image of at most MaxPngHeight device
 * pixels, beyond which the scale drops to 1 and then the rows are compressed (note() says so).
 *
 * Needs a QGuiApplication (fonts); works on the offscreen platform. Throws ExportError for an
 * empty trace or range and when a file cannot be written.
 */
class ImageExport
{
public:
    static constexpr int MaxPngHeight = 32767;
    //! White space around a PDF page's drawing.
    static constexpr double PdfMarginPoints = 24;

    //! The A4 page a PDF of a diagram `diagramWidth` pixels wide is printed on: its orientation, the
    //! room inside the margins, and the scale of the diagram on it (at most 1 point a pixel).
    struct PdfPage
    {
        QPageLayout::Orientation orientation = QPageLayout::Portrait;
        QSizeF printable;
        double scale = 1;
    };
    static PdfPage pdfPageFor(double diagramWidth);

    explicit ImageExport(const Trace &trace);
    ~ImageExport();
    ImageExport(const ImageExport &) = delete;
    ImageExport &operator=(const ImageExport &) = delete;

    void setView(ImageView view) { m_view = view; }
    //! Device pixels per diagram pixel in PNG output (2 for high-DPI screens and slides).
    void setScale(double scale) { m_scale = scale; }
    //! Document title of SVG and PDF files.
    void setTitle(const QString &title) { m_title = title; }

    QImage toImage(const EventRange &range);
    void writeSvg(QIODevice &device, const EventRange &range);
    //! Returns the number of pages written.
    int writePdf(QIODevice &device, const EventRange &range);
    //! Writes `path` in `format` (atomically); returns the number of pages (1 except for PDF).
    int write(const QString &path, ImageFormat format, const EventRange &range);

    //! What the last export had to adapt (a lower scale, compressed rows); empty if nothing.
    const QString &note() const { return m_note; }

    //! "png", "svg", "pdf" (case-insensitive); false for anything else.
    static bool formatFromName(QStringView name, ImageFormat &format);

private:
    std::unique_ptr<detail::ExportScene> makeScene(const EventRange &range) const;

    const Trace &m_trace;
    std::unique_ptr<TraceDigest> m_digest;
    ImageView m_view = ImageView::Sequence;
    double m_scale = 2;
    QString m_title;
    QString m_note;
};

} // namespace Loopscope
