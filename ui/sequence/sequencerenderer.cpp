#include "sequence/sequencerenderer.h"

#include "style/stripfill.h"

#include "analysis/tracedigest.h"
#include "sequence/sequencemessage.h"
#include "sequence/timemarks.h"

#include <algorithm>
#include <cmath>
#include <QPainter>
#include <QPolygonF>
#include <tuple>

namespace Loopscope {

using Shape = SequenceMessage::Shape;
using Tone = SequenceMessage::Tone;

struct SequenceRenderer::Frame
{
    QRectF area;
    qsizetype firstRow = 0;
    qsizetype lastRow = -1;
    int firstLane = 0;
    int lastLane = -1;
    double headerTop = 0;
    double gutterLeft = 0;
    double bodyBottom = 0; //!< below the last painted row (where a footer goes)
};

SequenceRenderer::SequenceRenderer(
    const Trace &trace, const TraceDigest &digest, const SequenceLayout &layout)
    : m_trace(trace)
    , m_digest(digest)
    , m_layout(layout)
    , m_palette(ViewPalette::fromPalette(QPalette()))
    , m_chrome(trace, digest, layout)
{
    m_chrome.setPalette(m_palette);
    m_shapes.setPalette(m_palette);
    setFont(QFont());
}

void SequenceRenderer::setFont(const QFont &font)
{
    m_shapes.setFont(font);
    m_chrome.setFont(font);
}

void SequenceRenderer::setCurrentStep(SeqNo firstSeq, SeqNo endSeq)
{
    m_stepFirst = firstSeq;
    m_stepEnd = endSeq;
}

void SequenceRenderer::setSelectedSeq(SeqNo seq)
{
    m_selected = seq;
    m_hasSelection = true;
}

qsizetype SequenceRenderer::rowOfSeq(SeqNo seq, bool clampToEnd) const
{
    if (seq < m_trace.firstSeq())
        return 0;
    const qsizetype row = m_trace.indexOfSeq(seq);
    return row >= 0 ? std::min(row, m_layout.rowCount() - 1) : (clampToEnd ? m_layout.rowCount() - 1 : -1);
}

QSizeF SequenceRenderer::rowsSize(qsizetype firstRow, qsizetype lastRow) const
{
    const double rows = static_cast<double>(std::max<qsizetype>(0, lastRow - firstRow + 1));
    const double below = m_layout.hasFooter() ? SequenceLayout::FooterHeight : 16;
    return QSizeF(
        m_layout.contentSize().width(), SequenceLayout::HeaderHeight + rows * m_layout.rowHeight() + below);
}

void SequenceRenderer::paintRows(QPainter &painter, qsizetype firstRow, qsizetype lastRow) const
{
    firstRow = std::max<qsizetype>(0, firstRow);
    lastRow = std::min(lastRow, m_layout.rowCount() - 1);
    const QSizeF size = rowsSize(firstRow, lastRow);
    const double shift = m_layout.rowTop(firstRow) - SequenceLayout::HeaderHeight;
    Frame f;
    f.area = QRectF(0, shift, size.width(), size.height());
    f.firstRow = firstRow;
    f.lastRow = lastRow;
    std::tie(f.firstLane, f.lastLane) = m_layout.lanesBetween(0, size.width());
    f.headerTop = shift;
    f.bodyBottom = m_layout.rowTop(lastRow + 1);
    painter.save();
    painter.translate(0, -shift);
    paintFrame(painter, f);
    painter.restore();
}

void SequenceRenderer::paint(QPainter &painter, const QRectF &visibleArea, PaintOptions options) const
{
    Frame f;
    f.area = visibleArea;
    std::tie(f.firstRow, f.lastRow) = m_layout.rowsBetween(visibleArea.top(), visibleArea.bottom());
    std::tie(f.firstLane, f.lastLane) = m_layout.lanesBetween(visibleArea.left(), visibleArea.right());
    f.headerTop = options.pinHeaders ? visibleArea.top() : 0;
    f.gutterLeft = options.pinGutter ? visibleArea.left() : 0;
    f.bodyBottom = m_layout.bodyBottom();
    paintFrame(painter, f);
}

void SequenceRenderer::setProblemMarks(std::vector<std::pair<SeqNo, TaskId>> marks)
{
    std::sort(marks.begin(), marks.end());
    m_problemMarks = std::move(marks);
}

void SequenceRenderer::paintProblemMarks(QPainter &p, const Frame &f) const
{
    if (m_problemMarks.empty() || f.firstRow > f.lastRow)
        return;
    const SeqNo first = m_trace.at(f.firstRow).seq;
    const SeqNo last = m_trace.at(f.lastRow).seq;
    auto it = std::lower_bound(m_problemMarks.begin(), m_problemMarks.end(), std::pair(first, TaskId(0)));
    const double size = std::clamp(m_layout.rowHeight() * 0.55, 7.0, 14.0);
    for (; it != m_problemMarks.end() && it->first <= last; ++it) {
        const qsizetype row = m_trace.indexOfSeq(it->first);
        const int lane = it->second != NoTask ? m_layout.laneOfTask(it->second) : SequenceLayout::LoopLane;
        if (row < 0 || lane < f.firstLane || lane > f.lastLane)
            continue;
        // A small warning sign left of the lifeline, above the row's arrow: a problem was found here.
        const double x = m_layout.laneCenter(lane) - SequenceLayout::ActivationHalfWidth - size - 2;
        const double y = m_layout.rowTop(row) + size / 2 + 2;
        QPolygonF sign;
        sign << QPointF(x + size / 2, y - size / 2) << QPointF(x + size, y + size / 2)
             << QPointF(x, y + size / 2);
        p.setPen(QPen(m_palette.warning.darker(130), 1));
        p.setBrush(m_palette.warning);
        p.drawPolygon(sign);
        p.setBrush(Qt::NoBrush);
    }
}

void SequenceRenderer::paintFrame(QPainter &p, const Frame &f) const
{
    p.save();
    p.setClipRect(f.area);
    p.setRenderHint(QPainter::Antialiasing);
    paintBackground(p, f);
    const bool footer = m_layout.hasFooter() && f.bodyBottom < f.area.bottom();
    if (footer) {
        // Lifelines and activations that go on past the last row end where the footer begins.
        p.save();
        p.setClipRect(QRectF(f.area.topLeft(), QPointF(f.area.right(), f.bodyBottom)));
    }
    paintLifelines(p, f);
    if (m_layout.detail() == SequenceLayout::Detail::Density) {
        paintDensity(p, f);
    } else {
        paintActivations(p, f);
        paintMessages(p, f);
    }
    paintProblemMarks(p, f);
    if (footer)
        p.restore();
    if (f.gutterLeft + SequenceLayout::GutterWidth > f.area.left()) {
        // The first time label goes on the first row whose middle the pinned headers do not cover.
        const qsizetype firstUncovered
            = m_layout.rowAt(f.headerTop + SequenceLayout::HeaderHeight + m_layout.rowHeight() / 2);
        m_chrome.paintGutter(
            p, f.area, f.gutterLeft, std::max(f.firstRow, firstUncovered), f.lastRow, m_stepFirst, m_stepEnd);
    }
    if (footer)
        m_chrome.paintHeaders(p, f.area, f.bodyBottom, f.firstLane, f.lastLane, true, f.gutterLeft);
    if (f.headerTop + SequenceLayout::HeaderHeight > f.area.top())
        m_chrome.paintHeaders(p, f.area, f.headerTop, f.firstLane, f.lastLane, false, f.gutterLeft);
    p.restore();
}

void SequenceRenderer::paintBackground(QPainter &p, const Frame &f) const
{
    fillInStrips(p, f.area, m_palette.background);
    if (f.firstRow > f.lastRow)
        return;
    const double left = f.area.left();
    const double width = f.area.width();
    const double h = m_layout.rowHeight();
    if (m_stepEnd > m_stepFirst) {
        const qsizetype a = std::max(f.firstRow, rowOfSeq(m_stepFirst, false));
        const qsizetype b = std::min(f.lastRow, rowOfSeq(m_stepEnd - 1, true));
        if (a >= 0 && a <= b)
            fillInStrips(p, QRectF(left, m_layout.rowTop(a), width, (b - a + 1) * h), m_palette.currentStep);
    }
    if (m_hasSelection) {
        const qsizetype row = m_trace.indexOfSeq(m_selected);
        if (row >= f.firstRow && row <= f.lastRow) {
            // Opaque, so that over the step band the two tints do not mix.
            const QRectF band(left, m_layout.rowTop(row), width, std::max(h, 1.0));
            p.fillRect(band, rowFill(m_selected));
        }
    }
    if (m_layout.detail() == SequenceLayout::Detail::Density)
        return;
    // Where the clock moved between two moments, a faint rule: time passed here.
    QPen rule(m_palette.line, 1, Qt::DashLine);
    p.setPen(rule);
    TimeMarks marks(m_trace, f.firstRow, f.lastRow);
    for (qsizetype row = f.firstRow; row <= f.lastRow; ++row) {
        if (marks.startsMoment(row) && row > 0 && marks.gap() >= marks.minimumGap()) {
            const double y = std::round(m_layout.rowTop(row)) + 0.5;
            p.drawLine(QPointF(left, y), QPointF(left + width, y));
        }
    }
}

void SequenceRenderer::paintLifelines(QPainter &p, const Frame &f) const
{
    const double top = std::max(f.area.top(), SequenceLayout::HeaderHeight);
    const double bottom = std::min(f.area.bottom(), f.bodyBottom);
    if (bottom <= top)
        return;
    for (int lane = f.firstLane; lane <= f.lastLane; ++lane) {
        const double x = std::round(m_layout.laneCenter(lane)) + 0.5;
        const auto &l = m_layout.lane(lane);
        if (l.kind != SequenceLayout::LaneKind::Task) {
            p.setPen(QPen(m_palette.line, l.kind == SequenceLayout::LaneKind::Loop ? 1.6 : 1.2));
            p.drawLine(QPointF(x, top), QPointF(x, bottom));
            continue;
        }
        // A task's lifeline is solid while it exists and dotted before its creation and after its end.
        const TaskSummary &task = m_digest.task(l.id);
        double from = top;
        double to = bottom;
        if (!task.spans.empty()) {
            from = std::max(top, m_layout.rowTop(rowOfSeq(task.spans.front().startSeq, false)));
            if (isFinished(task.state))
                to = std::min(bottom, m_layout.arrowY(rowOfSeq(task.spans.back().startSeq, true)));
        }
        const QColor colour = m_palette.faded(m_palette.taskAccent(l.id), 0.25);
        QPen dotted(m_palette.faded(colour, 0.45), 1.2, Qt::DotLine);
        p.setPen(dotted);
        if (from > top)
            p.drawLine(QPointF(x, top), QPointF(x, from));
        if (to < bottom)
            p.drawLine(QPointF(x, std::max(to, top)), QPointF(x, bottom));
        if (to > from) {
            p.setPen(QPen(colour, 1.4));
            p.drawLine(QPointF(x, from), QPointF(x, to));
        }
    }
}

void SequenceRenderer::paintActivations(QPainter &p, const Frame &f) const
{
    if (f.firstRow > f.lastRow)
        return;
    const SeqNo first = m_trace.at(f.firstRow).seq;
    const SeqNo last = m_trace.at(f.lastRow).seq;
    paintFlights(p, f, first, last);
    const IntervalIndex &seqs = m_digest.activationIntervals();
    for (const qsizetype index : seqs.between(first, last)) {
        const Activation &a = m_digest.activations()[static_cast<std::size_t>(index)];
        const int lane = m_layout.laneOfTask(a.task);
        if (lane < f.firstLane || lane > f.lastLane)
            continue;
        const qsizetype from = rowOfSeq(seqs.start(index), false);
        const qsizetype to = seqs.end(index) == IntervalIndex::OpenEnd ? m_layout.rowCount() - 1
                                                                       : rowOfSeq(seqs.end(index), true);
        const QRectF rect = m_layout.activationRect(from, to, lane, static_cast<int>(a.depth));
        const QColor accent = m_palette.taskAccent(a.task);
        fillInStrips(p, rect, m_palette.faded(accent, m_palette.dark ? 0.45 : 0.62));
        p.setPen(QPen(accent, 1.2));
        p.drawRect(rect);
    }
}

void SequenceRenderer::paintFlights(QPainter &p, const Frame &f, SeqNo first, SeqNo last) const
{
    // While an I/O operation or a timer is pending, its lane carries a thin bar from submission to
    // completion; on a shared lane concurrent ones make one "busy" bar. Overlapping stretches are
    // merged first: a hundred requests in flight are one fill, not a hundred layers of one.
    struct Stretch
    {
        int lane;
        double top;
        double bottom;
    };
    const auto paintSet = [&](const IntervalIndex &seqs, const std::vector<IoOperation> &ops, bool timers) {
        std::vector<Stretch> stretches;
        for (const qsizetype index : seqs.between(first, last)) {
            const IoOperation &op = ops[static_cast<std::size_t>(index)];
            const int lane = timers ? m_layout.timerLane() : m_layout.laneOfIo(op.id);
            if (lane < f.firstLane || lane > f.lastLane)
                continue;
            const qsizetype from = rowOfSeq(seqs.start(index), false);
            const qsizetype to = seqs.end(index) == IntervalIndex::OpenEnd ? m_layout.rowCount() - 1
                                                                           : rowOfSeq(seqs.end(index), true);
            const double top = m_layout.arrowY(from);
            stretches.push_back({ lane, top, std::max(m_layout.arrowY(to), top + 2) });
        }
        std::sort(stretches.begin(), stretches.end(), [](const Stretch &a, const Stretch &b) {
            return std::tie(a.lane, a.top) < std::tie(b.lane, b.top);
        });
        QColor c = timers ? m_palette.stateColor(TaskRunState::AwaitingTimer)
                          : m_palette.stateColor(TaskRunState::AwaitingIo);
        c.setAlphaF(0.55f);
        for (std::size_t i = 0; i < stretches.size();) {
            Stretch merged = stretches[i];
            for (++i; i < stretches.size() && stretches[i].lane == merged.lane
                 && stretches[i].top <= merged.bottom;
                 ++i)
                merged.bottom = std::max(merged.bottom, stretches[i].bottom);
            fillInStrips(p,
                QRectF(m_layout.laneCenter(merged.lane) - 2, merged.top, 4, merged.bottom - merged.top), c);
        }
    };
    paintSet(m_digest.ioFlights(), m_digest.ioOperations(), false);
    paintSet(m_digest.timerFlights(), m_digest.timers(), true);
}

void SequenceRenderer::paintMessages(QPainter &p, const Frame &f) const
{
    for (qsizetype row = f.firstRow; row <= f.lastRow; ++row)
        paintMessage(p, f, row, m_trace.at(row));
}

void SequenceRenderer::paintMessage(QPainter &p, const Frame &f, qsizetype row, const TraceEvent &event) const
{
    const SequenceMessage m = sequenceMessage(m_layout, event);
    if (m.from < 0)
        return;
    const bool full = m_layout.detail() == SequenceLayout::Detail::Full;
    if (m.isArrow()) {
        const bool selected = m_hasSelection && event.seq == m_selected;
        const QLineF line = m_layout.arrowLine(row, m.from, m.to);
        const QColor colour = selected ? m_palette.selection : m_shapes.toneColour(m.tone);
        // An end scrolled out of view stops at the edge, with a tag naming the lane it goes to.
        const double lanesLeft = f.gutterLeft + SequenceLayout::GutterWidth;
        const SequenceLayout::ClippedArrow clipped
            = SequenceLayout::clipArrow(line, lanesLeft, f.area.right());
        if (!clipped.isVisible())
            return;
        m_shapes.arrow(p, clipped.line, m.shape == Shape::Return, colour, selected ? 2.0 : 1.25);
        if (clipped.endCut && full)
            m_shapes.edgeTag(p, clipped.line.p2(), line.x2() > line.x1() ? 1 : -1, laneTitle(m.to), colour);
        if (full)
            m_shapes.label(p, line, sequenceLabel(m_trace, m_digest, event),
                m.tone == Tone::Normal ? m_palette.text : m_shapes.toneColour(m.tone), rowFill(event.seq),
                f.gutterLeft + SequenceLayout::GutterWidth, f.area.right());
        return;
    }
    const double x = m_layout.laneCenter(m.from) + SequenceLayout::ActivationHalfWidth + 8;
    if (m.shape == Shape::Marker) {
        if (full)
            m_shapes.marker(p, x, m_layout.rowCenter(row), m_layout.laneWidthAt(m.from) - 20,
                sequenceLabel(m_trace, m_digest, event));
        return;
    }
    m_shapes.note(p, x, m_layout.rowCenter(row), m_layout.rowHeight() - 6,
        full ? sequenceLabel(m_trace, m_digest, event) : QString(), m.tone, f.area.right() - 4,
        m_layout.laneCenter(m.from) - SequenceLayout::ActivationHalfWidth - 8);
}

QColor SequenceRenderer::rowFill(SeqNo seq) const
{
    // What paintBackground() put behind this row, as one opaque colour.
    const auto over = [this](const QColor &tint) {
        const double a = tint.alphaF();
        const QColor &b = m_palette.background;
        return QColor::fromRgbF(static_cast<float>(tint.redF() * a + b.redF() * (1 - a)),
            static_cast<float>(tint.greenF() * a + b.greenF() * (1 - a)),
            static_cast<float>(tint.blueF() * a + b.blueF() * (1 - a)));
    };
    if (m_hasSelection && seq == m_selected) {
        QColor c = m_palette.selection;
        c.setAlphaF(m_palette.dark ? 0.35f : 0.20f);
        return over(c);
    }
    if (seq >= m_stepFirst && seq < m_stepEnd)
        return over(m_palette.currentStep);
    return m_palette.background;
}

void SequenceRenderer::paintDensity(QPainter &p, const Frame &f) const
{
    // Rows thinner than a few pixels: per 2-pixel band, how busy each lane is (sampled when a
    // band holds many events), drawn as the lane's colour at that intensity.
    if (f.firstRow > f.lastRow || f.firstLane > f.lastLane)
        return;
    constexpr double band = 2.0;
    constexpr qsizetype samplesPerBand = 48;
    const int lanes = f.lastLane - f.firstLane + 1;
    std::vector<int> counts(static_cast<std::size_t>(lanes));
    const double top = std::max(f.area.top(), SequenceLayout::HeaderHeight);
    const double bottom = std::min(f.area.bottom(), f.bodyBottom);
    const double h = m_layout.rowHeight();
    p.setPen(Qt::NoPen);
    for (double y = std::floor(top / band) * band; y < bottom; y += band) {
        const auto a
            = static_cast<qsizetype>(std::max(0.0, std::floor((y - SequenceLayout::HeaderHeight) / h)));
        const auto b
            = std::min(static_cast<qsizetype>(std::ceil((y + band - SequenceLayout::HeaderHeight) / h)),
                std::min(f.lastRow + 1, m_layout.rowCount()));
        if (a >= b)
            continue;
        std::fill(counts.begin(), counts.end(), 0);
        const qsizetype stride = std::max<qsizetype>(1, (b - a) / samplesPerBand);
        int sampled = 0;
        for (qsizetype row = a; row < b; row += stride, ++sampled) {
            const SequenceMessage m = sequenceMessage(m_layout, m_trace.at(row));
            if (m.from >= f.firstLane && m.from <= f.lastLane)
                ++counts[static_cast<std::size_t>(m.from - f.firstLane)];
            if (m.to != m.from && m.to >= f.firstLane && m.to <= f.lastLane)
                ++counts[static_cast<std::size_t>(m.to - f.firstLane)];
        }
        for (int i = 0; i < lanes; ++i) {
            const int n = counts[static_cast<std::size_t>(i)];
            if (n == 0)
                continue;
            const int lane = f.firstLane + i;
            const auto &l = m_layout.lane(lane);
            QColor c
                = l.kind == SequenceLayout::LaneKind::Task ? m_palette.taskAccent(l.id) : m_palette.arrow;
            c.setAlphaF(static_cast<float>(std::min(1.0, 0.25 + 0.75 * n / sampled)));
            const double w = l.kind == SequenceLayout::LaneKind::Loop ? 8 : 14;
            p.fillRect(QRectF(m_layout.laneCenter(lane) - w / 2, y, w, band), c);
        }
    }
}

} // namespace Loopscope
