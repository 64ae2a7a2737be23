#include "sequence/sequenceview.h"

#include "model/tracefeed.h"
#include "sequence/sequencemessage.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

namespace Loopscope {

SequenceView::SequenceView(TraceFeed *feed, QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_feed(feed)
{
    setFrameShape(QFrame::NoFrame);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    connect(feed, &TraceFeed::traceReset, this, &SequenceView::rebuild);
    connect(feed, &TraceFeed::updated, this, &SequenceView::onUpdated);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (m_scrollingProgrammatically)
            return;
        // Following resumes when the user scrolls back to the newest event.
        setFollowing(value >= verticalScrollBar()->maximum() - 2);
    });
    rebuild();
}

SequenceView::~SequenceView() = default;

void SequenceView::rebuild()
{
    m_layout.reset();
    m_renderer.reset();
    if (m_feed && m_feed->trace()) {
        m_renderer = std::make_unique<SequenceRenderer>(*m_feed->trace(), m_feed->digest(), m_layout);
        m_renderer->setPalette(ViewPalette::fromPalette(palette()));
        m_renderer->setFont(font());
        m_layout.update(m_feed->digest(), m_feed->rowCount());
        m_pinned.clear(); // pins name tasks of the run they were made in; the filter stays
        applyLaneChoices();
        fitLanes();
    }
    m_hasSelection = false;
    m_stepFirst = m_stepEnd = 0;
    applyHighlights();
    updateScrollBars();
    if (m_following)
        scrollToEnd();
    viewport()->update();
}

void SequenceView::onUpdated(qsizetype, qsizetype rowCount)
{
    if (!m_renderer)
        return;
    const int lanes = m_layout.laneCount();
    m_layout.update(m_feed->digest(), rowCount);
    if (m_layout.laneCount() != lanes)
        fitLanes();
    updateScrollBars();
    if (m_following)
        scrollToEnd();
    viewport()->update();
}

void SequenceView::setIoLaneMode(SequenceLayout::IoLaneMode mode)
{
    m_layout.setIoLaneMode(mode);
    fitLanes();
    updateScrollBars();
    viewport()->update();
}

void SequenceView::setZoom(double zoom, double anchorY)
{
    const double anchor = anchorY < 0 ? viewport()->height() / 2.0 : anchorY;
    const double diagramY = verticalScrollBar()->value() + anchor;
    const double rowPosition = (diagramY - SequenceLayout::HeaderHeight) / m_layout.rowHeight();
    const double before = m_layout.zoom();
    m_layout.setZoom(zoom);
    if (m_layout.zoom() == before)
        return;
    updateScrollBars();
    if (!m_following) {
        m_scrollingProgrammatically = true;
        const double y = SequenceLayout::HeaderHeight + rowPosition * m_layout.rowHeight() - anchor;
        verticalScrollBar()->setValue(static_cast<int>(std::lround(y)));
        m_scrollingProgrammatically = false;
    } else {
        scrollToEnd();
    }
    viewport()->update();
    emit zoomChanged(m_layout.zoom());
}

void SequenceView::setCurrentStep(SeqNo firstSeq, SeqNo endSeq)
{
    m_stepFirst = firstSeq;
    m_stepEnd = endSeq;
    applyHighlights();
    if (endSeq > firstSeq && m_feed && m_feed->trace()) {
        // The step's newest event is the current one: its lanes come on screen.
        const qsizetype row = m_feed->trace()->indexOfSeq(endSeq - 1);
        if (row >= 0 && row < m_layout.rowCount())
            ensureLanesVisible(row, row);
    }
    viewport()->update();
}

void SequenceView::setSelectedSeq(SeqNo seq, bool reveal)
{
    m_selected = seq;
    m_hasSelection = true;
    applyHighlights();
    if (reveal && m_feed && m_feed->trace()) {
        const qsizetype row = m_feed->trace()->indexOfSeq(seq);
        if (row >= 0 && row < m_layout.rowCount()) {
            ensureRowVisible(row);
            ensureLanesVisible(row, row);
        }
    }
    viewport()->update();
}

void SequenceView::clearSelection()
{
    m_hasSelection = false;
    applyHighlights();
    viewport()->update();
}

void SequenceView::applyHighlights()
{
    if (!m_renderer)
        return;
    m_renderer->setCurrentStep(m_stepFirst, m_stepEnd);
    if (m_hasSelection)
        m_renderer->setSelectedSeq(m_selected);
    else
        m_renderer->clearSelection();
}

void SequenceView::setFollowing(bool follow)
{
    if (follow == m_following)
        return;
    m_following = follow;
    if (follow)
        scrollToEnd();
    emit followingChanged(follow);
}

void SequenceView::ensureRowVisible(qsizetype row)
{
    if (row >= m_layout.rowCount() - 1 && m_following) {
        scrollToEnd(); // the newest event: following already shows it
        return;
    }
    const double top = m_layout.rowTop(row) - SequenceLayout::HeaderHeight;
    const double bottom = m_layout.rowTop(row + 1);
    const int value = verticalScrollBar()->value();
    const int height = viewport()->height();
    if (top >= value && bottom <= value + height)
        return;
    // Showing an older event is a move away from the newest one: following stops (until the user
    // scrolls back to the bottom).
    m_scrollingProgrammatically = true;
    verticalScrollBar()->setValue(static_cast<int>(std::lround((top + bottom) / 2 - height / 2.0)));
    m_scrollingProgrammatically = false;
    setFollowing(verticalScrollBar()->value() >= verticalScrollBar()->maximum() - 2);
}

void SequenceView::ensureLanesVisible(qsizetype firstRow, qsizetype lastRow)
{
    // A step can append thousands of events; its first few say where it acts.
    constexpr qsizetype MaxRows = 64;
    const Trace &trace = *m_feed->trace();
    int low = std::numeric_limits<int>::max();
    int high = -1;
    int far = -1; // the lane farthest from the loops: the task or I/O the step is about
    for (qsizetype row = firstRow; row <= lastRow && row < firstRow + MaxRows; ++row) {
        const SequenceMessage message = sequenceMessage(m_layout, trace.at(row));
        if (message.from < 0 || message.to < 0)
            continue;
        low = std::min({ low, message.from, message.to });
        high = std::max({ high, message.from, message.to });
        far = std::max({ far, message.from, message.to });
    }
    if (high < 0)
        return;
    const double laneWidth = m_layout.laneWidth();
    const double margin = laneWidth / 4;
    // The time gutter stays pinned at the left edge: lanes show to the right of it.
    const double gutter = SequenceLayout::GutterWidth;
    const double width = viewport()->width() - gutter;
    double left = m_layout.laneCenter(low) - laneWidth / 2 - margin;
    double right = m_layout.laneCenter(high) + laneWidth / 2 + margin;
    if (right - left > width) { // both ends do not fit: keep the far end, where the arrow lands
        right = m_layout.laneCenter(far) + laneWidth / 2 + margin;
        left = right - width;
    }
    const int value = horizontalScrollBar()->value();
    if (left >= value + gutter && right <= value + gutter + width)
        return;
    const double target = left < value + gutter ? left - gutter : right - gutter - width;
    horizontalScrollBar()->setValue(static_cast<int>(
        std::lround(std::clamp(target, 0.0, static_cast<double>(horizontalScrollBar()->maximum())))));
}

void SequenceView::setLaneFilter(const QString &text)
{
    m_laneFilter = text.trimmed();
    applyLaneChoices();
    fitLanes();
    updateScrollBars();
    viewport()->update();
}

void SequenceView::setPinned(TaskId task, bool pinned)
{
    m_pinned.erase(std::remove(m_pinned.begin(), m_pinned.end(), task), m_pinned.end());
    if (pinned)
        m_pinned.push_back(task);
    applyLaneChoices();
    fitLanes();
    updateScrollBars();
    viewport()->update();
}

void SequenceView::applyLaneChoices()
{
    m_layout.setPinnedTasks(m_pinned);
    if (m_laneFilter.isEmpty() || !m_feed || !m_feed->trace()) {
        m_layout.setTaskFilter({});
        return;
    }
    m_layout.setTaskFilter([trace = m_feed->trace(), filter = m_laneFilter](TaskId task) {
        return trace->taskName(task).contains(filter, Qt::CaseInsensitive);
    });
}

void SequenceView::contextMenuEvent(QContextMenuEvent *event)
{
    // On a task's header: pin its lane next to the loops, or let it go back to its place.
    const QPoint pos = event->pos();
    if (pos.y() >= SequenceLayout::HeaderHeight || pos.x() < SequenceLayout::GutterWidth || !m_renderer) {
        QAbstractScrollArea::contextMenuEvent(event);
        return;
    }
    const int lane = m_layout.laneAt(toDiagram(pos).x());
    if (lane < 0 || m_layout.lane(lane).kind != SequenceLayout::LaneKind::Task)
        return;
    const TaskId task = m_layout.lane(lane).id;
    const bool pinned = std::find(m_pinned.begin(), m_pinned.end(), task) != m_pinned.end();
    QMenu menu(this);
    QAction *toggle
        = menu.addAction(pinned ? tr("Unpin “%1”").arg(m_renderer->laneTitle(lane))
                                : tr("Pin “%1” next to the loops").arg(m_renderer->laneTitle(lane)));
    if (menu.exec(event->globalPos()) == toggle)
        setPinned(task, !pinned);
}

void SequenceView::fitLanes()
{
    if (m_chosenLaneWidth > 0)
        m_layout.setLaneWidth(m_chosenLaneWidth);
    else if (m_renderer)
        m_layout.setLaneWidth(
            m_layout.fittingLaneWidth(viewport()->width(), m_renderer->preferredLaneWidth()));
}

void SequenceView::setLaneWidth(double width)
{
    m_layout.setLaneWidth(width);
    m_chosenLaneWidth = m_layout.laneWidth();
    updateScrollBars();
    viewport()->update();
}

void SequenceView::fitLanesToView()
{
    m_chosenLaneWidth = 0;
    fitLanes();
    updateScrollBars();
    viewport()->update();
}

void SequenceView::updateScrollBars()
{
    const QSizeF content = m_layout.contentSize();
    const QSize view = viewport()->size();
    m_scrollingProgrammatically = true;
    verticalScrollBar()->setPageStep(view.height());
    verticalScrollBar()->setSingleStep(std::max(1, static_cast<int>(m_layout.rowHeight())));
    verticalScrollBar()->setRange(
        0, std::max(0, static_cast<int>(std::ceil(content.height())) - view.height()));
    horizontalScrollBar()->setPageStep(view.width());
    horizontalScrollBar()->setSingleStep(static_cast<int>(m_layout.laneWidth() / 4));
    horizontalScrollBar()->setRange(
        0, std::max(0, static_cast<int>(std::ceil(content.width())) - view.width()));
    m_scrollingProgrammatically = false;
}

void SequenceView::scrollToEnd()
{
    m_scrollingProgrammatically = true;
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    m_scrollingProgrammatically = false;
}

QRectF SequenceView::visibleArea() const
{
    return QRectF(horizontalScrollBar()->value(), verticalScrollBar()->value(), viewport()->width(),
        viewport()->height());
}

QPointF SequenceView::toDiagram(QPoint viewportPos) const
{
    return QPointF(viewportPos) + visibleArea().topLeft();
}

QPoint SequenceView::mapFromDiagram(QPointF point) const
{
    return (point - visibleArea().topLeft()).toPoint();
}

void SequenceView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    if (!m_renderer) {
        const ViewPalette colours = ViewPalette::fromPalette(palette());
        painter.fillRect(viewport()->rect(), colours.background);
        painter.setPen(colours.mutedText);
        painter.drawText(viewport()->rect(), Qt::AlignCenter, tr("Pick a scenario and press Step or Run."));
        return;
    }
    const QRectF area = visibleArea();
    painter.translate(-area.topLeft());
    m_renderer->paint(painter, area);
}

void SequenceView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    fitLanes();
    updateScrollBars();
    if (m_following)
        scrollToEnd();
    // Lanes changed width: the current event's lanes come back on screen.
    if (m_stepEnd > m_stepFirst && m_feed && m_feed->trace()) {
        const qsizetype row = m_feed->trace()->indexOfSeq(m_stepEnd - 1);
        if (row >= 0 && row < m_layout.rowCount())
            ensureLanesVisible(row, row);
    }
}

void SequenceView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void SequenceView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_feed || !m_feed->trace()) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const QPointF point = toDiagram(event->position().toPoint());
    if (point.y() - verticalScrollBar()->value() < SequenceLayout::HeaderHeight)
        return; // the pinned headers cover the rows here
    const SequenceLayout::Hit hit = m_layout.hitTest(point);
    if (hit.row >= 0)
        emit eventClicked(m_feed->trace()->at(hit.row).seq);
}

void SequenceView::wheelEvent(QWheelEvent *event)
{
    if ((event->modifiers() & Qt::ControlModifier) && (event->modifiers() & Qt::ShiftModifier)) {
        // Ctrl+Shift+wheel: lanes narrower or wider, as Ctrl+wheel makes rows shorter or taller.
        const int delta = event->angleDelta().y() != 0 ? event->angleDelta().y() : event->angleDelta().x();
        setLaneWidth(m_layout.laneWidth() * std::pow(1.15, delta / 120.0));
        event->accept();
        return;
    }
    if (event->modifiers() & Qt::ControlModifier) {
        const double steps = event->angleDelta().y() / 120.0;
        setZoom(zoom() * std::pow(1.25, steps), event->position().y());
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

bool SequenceView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_feed && m_feed->trace() && m_renderer) {
        auto *help = static_cast<QHelpEvent *>(event);
        // The headers stay at the top of the view: there, the lane's whole name and state.
        if (help->pos().y() < SequenceLayout::HeaderHeight
            && help->pos().x() >= SequenceLayout::GutterWidth) {
            const int lane = m_layout.laneAt(toDiagram(help->pos()).x());
            if (lane < 0) {
                QToolTip::hideText();
                return true;
            }
            QToolTip::showText(help->globalPos(),
                QStringLiteral("<b>%1</b><br>%2")
                    .arg(m_renderer->laneTitle(lane).toHtmlEscaped(),
                        m_renderer->laneSubtitle(lane).toHtmlEscaped()),
                viewport());
            return true;
        }
        const SequenceLayout::Hit hit = m_layout.hitTest(toDiagram(help->pos()));
        if (hit.row < 0) {
            QToolTip::hideText();
            return true;
        }
        const Trace &trace = *m_feed->trace();
        const TraceEvent &e = trace.at(hit.row);
        QString text = QStringLiteral("<b>%1</b><br>%2")
                           .arg(sequenceLabel(trace, m_feed->digest(), e).toHtmlEscaped(),
                               trace.describe(e).toHtmlEscaped());
        if (e.line > 0)
            text += QStringLiteral("<br>source line %1").arg(e.line);
        QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void SequenceView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    restyleOnChange(event, *this, *viewport(), m_renderer.get());
    if (event->type() == QEvent::FontChange) {
        fitLanes();
        updateScrollBars();
    }
}

} // namespace Loopscope
