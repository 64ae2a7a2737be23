#include "export/imageexport.h"

#include "analysis/tracedigest.h"
#include "export/exportscene.h"
#include "export/networkscene.h"
#include "export/svgcompactor.h"
#include "io/atomicfile.h"
#include "io/traceformaterror.h"
#include "sequence/sequencerenderer.h"
#include "timeline/timelinerenderer.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <cmath>

namespace Loopscope {

namespace detail {

ViewPalette exportPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Base, QColor(0xff, 0xff, 0xff));
    palette.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf7, 0xf9));
    palette.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
    palette.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd0));
    return ViewPalette::fromPalette(palette);
}

} // namespace detail

namespace {

using detail::exportPalette;

constexpr double TimelineWidth = 1400;

class SequenceScene final : public detail::ExportScene
{
public:
    static constexpr double MaxWideLanes = 24;

    SequenceScene(const Trace &trace, const TraceDigest &digest, const EventRange &range)
        : m_range(range)
        , m_renderer(trace, digest, m_layout)
    {
        m_layout.setFooter(true);
        m_layout.update(digest, trace.size());
        m_renderer.setPalette(exportPalette());
        m_renderer.setFont(QGuiApplication::font());
        // Room for whole names, as long as the picture stays within the width of MaxWideLanes lanes
        // of the default width: a diagram of a thousand tasks must not double its pixels for them.
        const double room = MaxWideLanes * SequenceLayout::DefaultLaneWidth
            / (m_layout.laneCount() + SequenceLayout::RightMarginLanes);
        m_layout.setLaneWidth(
            std::min(m_renderer.preferredLaneWidth(), std::max(SequenceLayout::DefaultLaneWidth, room)));
    }

    void setZoom(double zoom) { m_layout.setZoom(zoom); }
    double rowHeight() const { return m_layout.rowHeight(); }

    QSizeF size() const override { return m_renderer.rowsSize(m_range.first, m_range.last); }
    void paint(QPainter &painter) const override
    {
        m_renderer.paintRows(painter, m_range.first, m_range.last);
    }

    int paginate(double maxHeight) override
    {
        const double body = maxHeight - SequenceLayout::HeaderHeight - SequenceLayout::FooterHeight;
        m_rowsPerPage
            = std::max<qsizetype>(1, static_cast<qsizetype>(std::floor(body / m_layout.rowHeight())));
        return static_cast<int>((m_range.count() + m_rowsPerPage - 1) / m_rowsPerPage);
    }
    QSizeF pageSize(int page) const override
    {
        const auto [first, last] = pageRows(page);
        return m_renderer.rowsSize(first, last);
    }
    void paintPage(QPainter &painter, int page) const override
    {
        const auto [first, last] = pageRows(page);
        m_renderer.paintRows(painter, first, last);
    }

private:
    std::pair<qsizetype, qsizetype> pageRows(int page) const
    {
        const qsizetype first = m_range.first + page * m_rowsPerPage;
        return { first, std::min(m_range.last, first + m_rowsPerPage - 1) };
    }

    EventRange m_range;
    SequenceLayout m_layout;
    SequenceRenderer m_renderer;
    qsizetype m_rowsPerPage = 1;
};

class TimelineScene final : public detail::ExportScene
{
public:
    TimelineScene(const Trace &trace, const TraceDigest &digest, const EventRange &range)
        : m_renderer(trace, digest, m_layout)
    {
        const std::int64_t start = trace.at(range.first).timeNs;
        // A range that takes no time (virtual clock) still needs a width to draw.
        const std::int64_t end = std::max(trace.at(range.last).timeNs, start + 1000);
        m_layout.setWidth(TimelineWidth);
        m_layout.setTimeRange(start, end);
        m_layout.fit();
        // The HTTP side, as the window draws it: attempts in flight and a lane per connection.
        m_network.update(trace);
        m_layout.setLaneCount(TimelineRenderer::laneCount(digest, &m_network, m_layout));
        m_renderer.setPalette(exportPalette());
        m_renderer.setFont(QGuiApplication::font());
        m_renderer.setNetwork(&m_network);
    }

    QSizeF size() const override { return QSizeF(TimelineWidth, m_layout.contentHeight()); }
    void paint(QPainter &painter) const override { m_renderer.paint(painter, QRectF(QPointF(0, 0), size())); }

    int paginate(double maxHeight) override
    {
        // The axis is pinned to the top of each page and covers what lies beneath it, so pages
        // overlap by its height.
        m_pageStep = std::max(1.0, maxHeight - TimelineLayout::AxisHeight);
        m_pageHeight = maxHeight;
        const double lanes = std::max(0.0, size().height() - TimelineLayout::AxisHeight);
        return std::max(1, static_cast<int>(std::ceil(lanes / m_pageStep)));
    }
    QSizeF pageSize(int page) const override
    {
        return QSizeF(TimelineWidth, std::min(m_pageHeight, size().height() - page * m_pageStep));
    }
    void paintPage(QPainter &painter, int page) const override
    {
        const double top = page * m_pageStep;
        painter.save();
        painter.translate(0, -top);
        m_renderer.paint(painter, QRectF(QPointF(0, top), pageSize(page)));
        painter.restore();
    }

private:
    NetworkLog m_network;
    TimelineLayout m_layout;
    TimelineRenderer m_renderer;
    double m_pageStep = 1;
    double m_pageHeight = 1;
};

} // namespace

QString viewName(ImageView view)
{
    switch (view) {
    case ImageView::Sequence:
        return QStringLiteral("sequence diagram");
    case ImageView::Timeline:
        return QStringLiteral("timeline");
    case ImageView::Network:
        return QStringLiteral("network waterfall");
    }
    return {};
}

ImageExport::ImageExport(const Trace &trace)
    : m_trace(trace)
    , m_digest(std::make_unique<TraceDigest>())
{
    m_digest->update(trace);
}

ImageExport::~ImageExport() = default;

bool ImageExport::formatFromName(QStringView name, ImageFormat &format)
{
    if (name.compare(u"png", Qt::CaseInsensitive) == 0)
        format = ImageFormat::Png;
    else if (name.compare(u"svg", Qt::CaseInsensitive) == 0)
        format = ImageFormat::Svg;
    else if (name.compare(u"pdf", Qt::CaseInsensitive) == 0)
        format = ImageFormat::Pdf;
    else
        return false;
    return true;
}

QImage ImageExport::toImage(const EventRange &range)
{
    m_note.clear();
    if (!(m_scale > 0 && m_scale <= 8))
        throw ExportError(QStringLiteral("the scale must be above 0 and at most 8, not %1").arg(m_scale));
    std::unique_ptr<detail::ExportScene> scene;
    double scale = m_scale;
    if (m_view == ImageView::Sequence) {
        auto sequence = std::make_unique<SequenceScene>(m_trace, *m_digest, range);
        QSizeF size = sequence->size();
        if (size.height() * scale > MaxPngHeight) {
            // Too tall for one image: first give up the extra resolution, then squeeze the rows.
            scale = std::max(1.0, std::min(scale, MaxPngHeight / size.height()));
            if (size.height() * scale > MaxPngHeight) {
                const double fixed = SequenceLayout::HeaderHeight + SequenceLayout::FooterHeight;
                const double rowHeight = (MaxPngHeight / scale - fixed) / static_cast<double>(range.count());
                sequence->setZoom(rowHeight / SequenceLayout::BaseRowHeight);
                size = sequence->size();
                scale = std::min(scale, MaxPngHeight / size.height());
            }
            m_note = QStringLiteral(
                "%1 events do not fit in one image of %2 pixels: drawn at scale %3 with rows of "
                "%4 px; use SVG, PDF or --from/--to for full detail")
                         .arg(range.count())
                         .arg(MaxPngHeight)
                         .arg(scale, 0, 'g', 3)
                         .arg(sequence->rowHeight(), 0, 'g', 3);
        }
        scene = std::move(sequence);
    } else {
        scene = makeScene(range);
    }
    const QSizeF size = scene->size();
    const QSize pixels(static_cast<int>(std::ceil(size.width() * scale)),
        static_cast<int>(std::ceil(size.height() * scale)));
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        throw ExportError(QStringLiteral("not enough memory for an image of %1 x %2 pixels")
                              .arg(pixels.width())
                              .arg(pixels.height()));
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    scene->paint(painter);
    return image;
}

std::unique_ptr<detail::ExportScene> ImageExport::makeScene(const EventRange &range) const
{
    if (m_view == ImageView::Sequence)
        return std::make_unique<SequenceScene>(m_trace, *m_digest, range);
    if (m_view == ImageView::Network)
        return std::make_unique<NetworkScene>(m_trace, range);
    return std::make_unique<TimelineScene>(m_trace, *m_digest, range);
}

void ImageExport::writeSvg(QIODevice &device, const EventRange &range)
{
    m_note.clear();
    const std::unique_ptr<detail::ExportScene> scene = makeScene(range);
    const QSizeF size = scene->size();
    SvgCompactor compactor(device);
    QSvgGenerator generator;
    generator.setOutputDevice(&compactor);
    generator.setSize(size.toSize());
    generator.setViewBox(QRectF(QPointF(0, 0), size));
    generator.setResolution(96);
    generator.setTitle(m_title);
    generator.setDescription(QStringLiteral("Loopscope %1, events %2 to %3")
                                 .arg(viewName(m_view))
                                 .arg(m_trace.at(range.first).seq)
                                 .arg(m_trace.at(range.last).seq));
    QPainter painter;
    if (!painter.begin(&generator))
        throw ExportError(QStringLiteral("cannot write the SVG: %1").arg(device.errorString()));
    scene->paint(painter);
    painter.end();
    if (!compactor.finish())
        throw ExportError(QStringLiteral("cannot write the SVG: %1").arg(device.errorString()));
}

ImageExport::PdfPage ImageExport::pdfPageFor(double diagramWidth)
{
    const QSizeF portrait = QPageSize(QPageSize::A4).size(QPageSize::Point);
    const double margins = 2 * PdfMarginPoints;
    const bool landscape = diagramWidth > portrait.width() - margins;
    PdfPage page;
    page.orientation = landscape ? QPageLayout::Landscape : QPageLayout::Portrait;
    const QSizeF size = landscape ? portrait.transposed() : portrait;
    page.printable = QSizeF(size.width() - margins, size.height() - margins);
    page.scale = std::min(1.0, page.printable.width() / std::max(1.0, diagramWidth));
    return page;
}

int ImageExport::writePdf(QIODevice &device, const EventRange &range)
{
    m_note.clear();
    const std::unique_ptr<detail::ExportScene> scene = makeScene(range);
    const QSizeF whole = scene->size();
    // A4 pages that print and read on screen: landscape when the diagram is wider than a portrait
    // page holds, one diagram pixel per point, scaled down to the page's width when wider still,
    // and split into pages of that height (each with the lifeline headers).
    const PdfPage page = pdfPageFor(whole.width());
    const int pages = scene->paginate(page.printable.height() / page.scale);

    QPdfWriter writer(&device);
    writer.setResolution(72);
    writer.setTitle(m_title);
    writer.setCreator(QStringLiteral("Loopscope"));
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), page.orientation,
        QMarginsF(PdfMarginPoints, PdfMarginPoints, PdfMarginPoints, PdfMarginPoints), QPageLayout::Point));
    const double fit = page.scale;
    QPainter painter;
    if (!painter.begin(&writer))
        throw ExportError(QStringLiteral("cannot write the PDF: %1").arg(device.errorString()));
    for (int index = 0; index < pages; ++index) {
        if (index > 0)
            writer.newPage();
        painter.save();
        painter.scale(fit, fit);
        scene->paintPage(painter, index);
        painter.restore();
    }
    painter.end();
    if (pages > 1)
        m_note = QStringLiteral("%1 pages, with the headers repeated on each").arg(pages);
    return pages;
}

int ImageExport::write(const QString &path, ImageFormat format, const EventRange &range)
{
    int pages = 1;
    writeFileAtomically(path, [&](QIODevice &device) {
        switch (format) {
        case ImageFormat::Png:
            if (!toImage(range).save(&device, "PNG"))
                throw ExportError(QStringLiteral("cannot write '%1': %2").arg(path, device.errorString()));
            break;
        case ImageFormat::Svg:
            writeSvg(device, range);
            break;
        case ImageFormat::Pdf:
            pages = writePdf(device, range);
            break;
        }
    });
    return pages;
}

} // namespace Loopscope
