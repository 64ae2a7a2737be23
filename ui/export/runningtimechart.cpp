#include "export/runningtimechart.h"

#include "io/atomicfile.h"
#include "scheduler/errors.h"

#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <cmath>

namespace Loopscope {

namespace {

const QColor SequentialColor(0xd9, 0x5f, 0x02);
const QColor ConcurrentColor(0x1b, 0x9e, 0x77);
const QColor GridColor(0xe3, 0xe3, 0xe3);
const QColor TextColor(0x33, 0x33, 0x33);

struct TimeTick
{
    double seconds;
    const char *label;
};

constexpr TimeTick TimeTicks[] = {
    { 0.001, "1 ms" },
    { 1, "1 s" },
    { 60, "1 min" },
    { 3600, "1 h" },
    { 86400, "1 day" },
    { 86400 * 30.44, "1 month" },
    { 86400 * 365.25, "1 year" },
    { 86400 * 365.25 * 100, "100 years" },
};

QString operationsLabel(double n)
{
    const qint64 value = qRound64(n);
    if (value >= 1'000'000'000)
        return QStringLiteral("%1 bn").arg(value / 1'000'000'000);
    if (value >= 1'000'000)
        return QStringLiteral("%1 M").arg(value / 1'000'000);
    if (value >= 1'000)
        return QStringLiteral("%1 k").arg(value / 1'000);
    return QString::number(value);
}

QString latencyText(std::chrono::nanoseconds latency)
{
    const qint64 ms = std::chrono::duration_cast<std::chrono::milliseconds>(latency).count();
    return ms % 1000 == 0 ? QStringLiteral("%1 s").arg(ms / 1000) : QStringLiteral("%1 ms").arg(ms);
}

} // namespace

RunningTimeChart::RunningTimeChart(RunningTimeTable table)
    : m_table(std::move(table))
{
    if (m_table.rows.isEmpty())
        throw Error(QStringLiteral("the running-time table has no rows to draw"));
    m_minOps = double(m_table.rows.first().operations);
    m_maxOps = double(m_table.rows.last().operations);
    double lowest = m_table.rows.first().concurrentSeconds;
    double highest = 0;
    for (const RunningTimeRow &row : m_table.rows) {
        lowest = std::min({ lowest, row.concurrentSeconds, row.sequentialSeconds });
        highest = std::max({ highest, row.concurrentSeconds, row.sequentialSeconds });
    }
    // Whole decades around the data, so the axes start and end on round numbers.
    m_minSeconds = std::pow(10.0, std::floor(std::log10(lowest)) - 0.0);
    m_maxSeconds = std::pow(10.0, std::ceil(std::log10(highest)));
    if (m_maxOps <= m_minOps)
        m_maxOps = m_minOps * 10;
}

QRectF RunningTimeChart::plotArea(const QSizeF &size)
{
    return QRectF(QPointF(96, 64), QPointF(size.width() - 40, size.height() - 72));
}

QPointF RunningTimeChart::pointFor(double operations, double seconds, const QRectF &plot) const
{
    const double x
        = (std::log10(operations) - std::log10(m_minOps)) / (std::log10(m_maxOps) - std::log10(m_minOps));
    const double y = (std::log10(seconds) - std::log10(m_minSeconds))
        / (std::log10(m_maxSeconds) - std::log10(m_minSeconds));
    return QPointF(plot.left() + x * plot.width(), plot.bottom() - y * plot.height());
}

void RunningTimeChart::paint(QPainter &painter, const QSizeF &size) const
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(QRectF(QPointF(0, 0), size), Qt::white);
    const QRectF plot = plotArea(size);
    QFont font = painter.font();
    font.setPixelSize(13);
    painter.setFont(font);

    // Grid and axis labels: decades of operations, and times people name.
    painter.setPen(TextColor);
    for (double n = m_minOps; n <= m_maxOps * 1.0001; n *= 10) {
        const double x = pointFor(n, m_minSeconds, plot).x();
        painter.setPen(QPen(GridColor, 1));
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        painter.setPen(TextColor);
        painter.drawText(
            QRectF(x - 40, plot.bottom() + 6, 80, 18), Qt::AlignHCenter | Qt::AlignTop, operationsLabel(n));
    }
    for (const TimeTick &tick : TimeTicks) {
        if (tick.seconds < m_minSeconds || tick.seconds > m_maxSeconds)
            continue;
        const double y = pointFor(m_minOps, tick.seconds, plot).y();
        painter.setPen(QPen(GridColor, 1));
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        painter.setPen(TextColor);
        painter.drawText(QRectF(0, y - 9, plot.left() - 10, 18), Qt::AlignRight | Qt::AlignVCenter,
            QString::fromLatin1(tick.label));
    }
    painter.setPen(QPen(TextColor, 1.2));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());
    painter.drawLine(plot.bottomLeft(), plot.topLeft());
    painter.drawText(QRectF(plot.left(), plot.bottom() + 30, plot.width(), 20), Qt::AlignHCenter,
        QStringLiteral("I/O operations (log scale)"));
    painter.save();
    painter.translate(20, plot.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-150, -10, 300, 20), Qt::AlignCenter, QStringLiteral("running time (log scale)"));
    painter.restore();

    QFont title = font;
    title.setPixelSize(17);
    title.setBold(true);
    painter.setFont(title);
    painter.drawText(QRectF(plot.left(), 14, plot.width(), 24), Qt::AlignLeft | Qt::AlignVCenter,
        QStringLiteral("n I/O operations of %1 each: one after another vs all at once")
            .arg(latencyText(m_table.latency)));
    painter.setFont(font);

    // The two series: filled markers were simulated on the scheduler, hollow ones computed.
    const auto series = [&](bool sequential, const QColor &color) {
        QPainterPath path;
        for (qsizetype i = 0; i < m_table.rows.size(); ++i) {
            const RunningTimeRow &row = m_table.rows[i];
            const QPointF p = pointFor(
                double(row.operations), sequential ? row.sequentialSeconds : row.concurrentSeconds, plot);
            if (i == 0)
                path.moveTo(p);
            else
                path.lineTo(p);
        }
        painter.setPen(QPen(color, 2.4));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
        for (const RunningTimeRow &row : m_table.rows) {
            const double seconds = sequential ? row.sequentialSeconds : row.concurrentSeconds;
            const QPointF p = pointFor(double(row.operations), seconds, plot);
            painter.setPen(QPen(color, 2));
            painter.setBrush(row.simulated ? QBrush(color) : QBrush(Qt::white));
            painter.drawEllipse(p, 4.5, 4.5);
            if (sequential && row.operations >= 1000) {
                painter.setPen(TextColor);
                painter.drawText(QRectF(p.x() - 130, p.y() - 24, 124, 18), Qt::AlignRight | Qt::AlignVCenter,
                    approximateDuration(seconds));
            }
        }
    };
    series(true, SequentialColor);
    series(false, ConcurrentColor);

    // Legend.
    const QPointF legend(plot.left() + 16, plot.top() + 12);
    const auto entry = [&](int index, const QColor &color, bool filled, const QString &text) {
        const QPointF at = legend + QPointF(0, index * 22);
        painter.setPen(QPen(color, 2));
        painter.setBrush(filled ? QBrush(color) : QBrush(Qt::white));
        painter.drawEllipse(at + QPointF(6, 0), 4.5, 4.5);
        painter.setPen(TextColor);
        painter.drawText(QRectF(at.x() + 18, at.y() - 9, 420, 18), Qt::AlignLeft | Qt::AlignVCenter, text);
    };
    entry(0, SequentialColor, true, QStringLiteral("sequential: n × latency"));
    entry(1, ConcurrentColor, true, QStringLiteral("concurrent: about one latency"));
    entry(2, TextColor, false, QStringLiteral("hollow: computed beyond the simulated range"));
    painter.restore();
}

void RunningTimeChart::write(const QString &path) const
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") && suffix != QLatin1String("pdf"))
        throw Error(QStringLiteral("the chart is written as .png, .svg or .pdf, not \"%1\"").arg(path));
    const QSizeF size(DefaultSize);
    const auto cannotWrite = [&path] { return Error(QStringLiteral("cannot write '%1'").arg(path)); };
    writeFileAtomically(path, [&](QIODevice &device) {
        if (suffix == QLatin1String("png")) {
            QImage image(DefaultSize * 2, QImage::Format_ARGB32_Premultiplied);
            image.setDevicePixelRatio(2);
            QPainter painter(&image);
            paint(painter, size);
            painter.end();
            if (!image.save(&device, "PNG"))
                throw cannotWrite();
        } else if (suffix == QLatin1String("svg")) {
            QSvgGenerator svg;
            svg.setOutputDevice(&device);
            svg.setSize(DefaultSize);
            svg.setViewBox(QRectF(QPointF(0, 0), size));
            svg.setTitle(QStringLiteral("Running time: sequential vs concurrent"));
            QPainter painter;
            if (!painter.begin(&svg))
                throw cannotWrite();
            paint(painter, size);
        } else {
            QPdfWriter pdf(&device);
            pdf.setPageSize(QPageSize(QSizeF(size.width() * 0.75, size.height() * 0.75), QPageSize::Point));
            pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
            pdf.setResolution(96);
            QPainter painter;
            if (!painter.begin(&pdf))
                throw cannotWrite();
            paint(painter, size);
        }
    });
}

} // namespace Loopscope
