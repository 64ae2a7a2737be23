#include "sequence/sequencechrome.h"

#include "analysis/tracedigest.h"
#include "sequence/timemarks.h"
#include "style/nameelision.h"
#include "style/stripfill.h"

#include <algorithm>
#include <cmath>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>

namespace Loopscope {

using LaneKind = SequenceLayout::LaneKind;

SequenceChrome::SequenceChrome(const Trace &trace, const TraceDigest &digest, const SequenceLayout &layout)
    : m_trace(trace)
    , m_digest(digest)
    , m_layout(layout)
{
    setFont(QFont());
}

void SequenceChrome::setFont(const QFont &font)
{
    m_titleFont = font;
    m_titleFont.setWeight(QFont::DemiBold);
    m_smallFont = font;
    m_smallFont.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.82));
}

double SequenceChrome::preferredLaneWidth() const
{
    // headerRect() leaves 28 px beside the box, the box 12 px inside it; a little air on top.
    constexpr double padding = 28 + 12 + 8;
    const QFontMetricsF metrics(m_titleFont);
    double widest = 0;
    for (int lane = 0; lane < m_layout.laneCount(); ++lane)
        widest = std::max(widest, metrics.horizontalAdvance(laneTitle(lane)));
    return std::clamp(widest + padding, SequenceLayout::DefaultLaneWidth, SequenceLayout::MaxLaneWidth);
}

QString SequenceChrome::groupTitle(
    const QString &first, const QString &last, std::uint32_t members, std::uint32_t others)
{
    // "op 63" … "op 301" share "op ": the lane reads "op 63…301", a range people can place.
    qsizetype common = 0;
    while (common < first.size() && common < last.size() && first[common] == last[common])
        ++common;
    while (common > 0 && first[common - 1].isDigit())
        --common; // a shared leading digit belongs to the numbers, not the name
    const auto allDigits = [](QStringView text) {
        return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); });
    };
    if (common > 0 && allDigits(QStringView(first).mid(common)) && allDigits(QStringView(last).mid(common))) {
        const QString range
            = QStringLiteral("%1%2…%3").arg(first.left(common), first.mid(common), last.mid(common));
        return others > 0 ? QStringLiteral("%1 +%2").arg(range, QLocale().toString(others)) : range;
    }
    return QStringLiteral("%1 more tasks").arg(QLocale().toString(members));
}

std::pair<QFont, QString> SequenceChrome::fitTitle(const QString &title, const QFont &font, double width)
{
    // A whole name in a smaller type reads better than a shortened one: one step down first.
    if (QFontMetricsF(font).horizontalAdvance(title) <= width)
        return { font, title };
    QFont smaller = font;
    smaller.setPointSizeF(font.pointSizeF() * 0.82);
    smaller.setBold(false);
    const QFontMetricsF smallerMetrics(smaller);
    if (smallerMetrics.horizontalAdvance(title) <= width)
        return { smaller, title };
    return { smaller, elideName(title, smallerMetrics, width) };
}

QString SequenceChrome::laneTitle(int lane) const
{
    const auto &l = m_layout.lane(lane);
    const QLocale locale;
    switch (l.kind) {
    case LaneKind::Loop:
        return m_layout.loopCount() > 1 ? QStringLiteral("loop L%1").arg(l.id) : QStringLiteral("event loop");
    case LaneKind::Task:
        return m_trace.taskName(l.id);
    case LaneKind::TaskGroup:
        return taskGroupTitle(lane);
    case LaneKind::Io:
        if (m_layout.ioLaneMode() == SequenceLayout::IoLaneMode::Shared)
            return QStringLiteral("I/O");
        if (const IoOperation *op = m_digest.io(l.id))
            return m_trace.labels().text(op->detail);
        return QStringLiteral("I/O #%1").arg(l.id);
    case LaneKind::IoGroup:
        return QStringLiteral("%1 more I/O").arg(locale.toString(l.members));
    case LaneKind::Timers:
        return QStringLiteral("timers");
    }
    return {};
}

QString SequenceChrome::taskGroupTitle(int lane) const
{
    // Numbered members name the group ("op 63…300"); a few members after them under other names
    // (a "gather" spawned last) are counted rather than hiding the range.
    constexpr std::uint32_t MostOthers = 8;
    const auto &l = m_layout.lane(lane);
    const QString first = m_trace.taskName(l.id);
    const QString plain = groupTitle(first, m_trace.taskName(l.last), l.members);
    if (plain.contains(QChar(u'…')))
        return plain;
    std::uint32_t others = 0;
    for (TaskId id = l.last; id > l.id && others <= MostOthers; --id) {
        if (m_layout.laneOfTask(id) != lane)
            continue;
        const QString title = groupTitle(first, m_trace.taskName(id), l.members, others);
        if (title.contains(QChar(u'…')))
            return title;
        ++others;
    }
    return plain;
}

QString SequenceChrome::laneSubtitle(int lane) const
{
    const auto &l = m_layout.lane(lane);
    switch (l.kind) {
    case LaneKind::Loop:
        return m_layout.loopCount() > 1 ? QStringLiteral("thread %1").arg(l.id) : QStringLiteral("scheduler");
    case LaneKind::Task:
        return QStringLiteral("#%1 · %2").arg(l.id).arg(taskRunStateName(m_digest.task(l.id).state));
    case LaneKind::TaskGroup:
        return l.last - l.id + 1 == l.members
            ? QStringLiteral("#%1 – #%2").arg(l.id).arg(l.last)
            : QStringLiteral("%1 tasks · #%2 – #%3").arg(l.members).arg(l.id).arg(l.last);
    case LaneKind::Io:
        if (m_layout.ioLaneMode() == SequenceLayout::IoLaneMode::Shared)
            return m_digest.hasTimers() ? QStringLiteral("%1 ops · timers").arg(l.members)
                                        : QStringLiteral("%1 operations").arg(l.members);
        return QStringLiteral("I/O #%1").arg(l.id);
    case LaneKind::IoGroup:
        return QStringLiteral("from I/O #%1").arg(l.id);
    case LaneKind::Timers:
        return QStringLiteral("sleep");
    }
    return {};
}

void SequenceChrome::paintHeaders(QPainter &p, const QRectF &area, double top, int firstLane, int lastLane,
    bool footer, double gutterLeft) const
{
    if (!footer) {
        p.fillRect(
            QRectF(area.left(), top, area.width(), SequenceLayout::HeaderHeight), m_palette.background);
        p.setPen(QPen(m_palette.grid, 1));
        const double y = top + SequenceLayout::HeaderHeight - 0.5;
        p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
    }
    const QFontMetricsF smallMetrics(m_smallFont);
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const auto &l = m_layout.lane(lane);
        const QRectF box = m_layout.headerRect(lane, footer ? top - 6 : top);
        QColor border = m_palette.line;
        QColor fill = m_palette.headerFill;
        if (l.kind == LaneKind::Task) {
            border = m_palette.taskAccent(l.id);
            fill = m_palette.faded(border, m_palette.dark ? 0.72 : 0.86);
        } else if (l.kind == LaneKind::Loop) {
            border = m_palette.arrow;
        }
        p.setPen(QPen(border, l.kind == LaneKind::Loop ? 1.6 : 1.2));
        p.setBrush(fill);
        if (m_layout.isFolded(lane)) {
            // A folded lane keeps a tab in its colour; its name is in the tooltip.
            p.drawRoundedRect(box, 4, 4);
            p.setBrush(Qt::NoBrush);
            continue;
        }
        p.drawRoundedRect(box, 6, 6);
        p.setBrush(Qt::NoBrush);
        const QRectF inner = box.adjusted(6, 3, -6, -3);
        const auto [titleFont, title] = fitTitle(laneTitle(lane), m_titleFont, inner.width());
        const QString subtitle = smallMetrics.elidedText(laneSubtitle(lane), Qt::ElideRight, inner.width());
        p.setFont(titleFont);
        p.setPen(m_palette.text);
        p.drawText(QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.58),
            Qt::AlignHCenter | Qt::AlignBottom, title);
        p.setFont(m_smallFont);
        p.setPen(m_palette.mutedText);
        p.drawText(
            QRectF(inner.left(), inner.top() + inner.height() * 0.58, inner.width(), inner.height() * 0.42),
            Qt::AlignHCenter | Qt::AlignTop, subtitle);
    }
    if (!footer && gutterLeft + SequenceLayout::GutterWidth > area.left()) {
        const QRectF corner(gutterLeft, top, SequenceLayout::GutterWidth, SequenceLayout::HeaderHeight);
        p.fillRect(corner, m_palette.alternate);
        p.setPen(QPen(m_palette.grid, 1));
        p.drawLine(
            QPointF(corner.right() - 0.5, corner.top()), QPointF(corner.right() - 0.5, corner.bottom()));
        p.drawLine(QPointF(corner.left(), corner.bottom() - 0.5), corner.bottomRight() - QPointF(0, 0.5));
        p.setFont(m_smallFont);
        p.setPen(m_palette.mutedText);
        p.drawText(corner.adjusted(0, 0, -10, -8), Qt::AlignRight | Qt::AlignBottom, QStringLiteral("time"));
    }
}

void SequenceChrome::paintGutter(QPainter &p, const QRectF &area, double left, qsizetype firstRow,
    qsizetype lastRow, SeqNo stepFirst, SeqNo stepEnd) const
{
    const double width = SequenceLayout::GutterWidth;
    const QRectF gutter(left, area.top(), width, area.height());
    fillInStrips(p, gutter, m_palette.alternate);
    p.setPen(QPen(m_palette.grid, 1));
    p.drawLine(QPointF(gutter.right() - 0.5, gutter.top()), QPointF(gutter.right() - 0.5, gutter.bottom()));
    if (firstRow > lastRow)
        return;
    const double h = m_layout.rowHeight();
    const QFontMetricsF metrics(m_smallFont);
    p.setFont(m_smallFont);
    if (stepEnd > stepFirst) {
        const qsizetype a = std::max(firstRow, m_trace.indexOfSeq(std::max(stepFirst, m_trace.firstSeq())));
        qsizetype b = m_trace.indexOfSeq(stepEnd - 1);
        b = b < 0 ? lastRow : std::min(b, lastRow);
        if (a >= 0 && a <= b) {
            QColor mark = m_palette.currentStep;
            mark.setAlphaF(1.0f);
            fillInStrips(p, QRectF(left, m_layout.rowTop(a), 4, (b - a + 1) * h), mark);
        }
    }
    if (m_layout.detail() == SequenceLayout::Detail::Density) {
        // Rows are too thin to label: a time tick every few lines of text instead.
        const double step = metrics.height() * 3;
        for (double y = std::ceil(std::max(area.top(), SequenceLayout::HeaderHeight) / step) * step;
             y < area.bottom(); y += step) {
            const qsizetype row = m_layout.rowAt(y);
            if (row < 0)
                continue;
            p.setPen(m_palette.mutedText);
            p.drawText(QRectF(left, y - metrics.height() / 2, width - 10, metrics.height()),
                Qt::AlignRight | Qt::AlignVCenter, formatDuration(m_trace.at(row).timeNs));
        }
        return;
    }
    double lastLabelBottom = -1e9;
    TimeMarks marks(m_trace, firstRow, lastRow);
    for (qsizetype row = firstRow; row <= lastRow; ++row) {
        if (!marks.startsMoment(row))
            continue;
        const std::int64_t t = m_trace.at(row).timeNs;
        const bool moved = row > 0 && marks.gap() >= marks.minimumGap();
        const double y = m_layout.arrowY(row); // level with the row's arrow
        if (y - metrics.height() / 2 < lastLabelBottom)
            continue;
        p.setPen(moved ? m_palette.text : m_palette.mutedText);
        p.drawText(QRectF(left, y - metrics.height() / 2, width - 10, metrics.height()),
            Qt::AlignRight | Qt::AlignVCenter, formatDuration(t));
        lastLabelBottom = y + metrics.height() / 2;
        if (moved && h >= metrics.height() * 2) {
            const std::int64_t gap = marks.gap();
            p.setPen(m_palette.mutedText);
            p.drawText(QRectF(left, m_layout.rowTop(row) + 1, width - 10, metrics.height()),
                Qt::AlignRight | Qt::AlignTop, QStringLiteral("+%1").arg(formatDuration(gap)));
        }
    }
}

} // namespace Loopscope
