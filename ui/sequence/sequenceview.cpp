#include "sequence/sequenceview.h"

#include "model/tracefeed.h"
#include "sequence/laneactivity.h"
#include "sequence/sequencemessage.h"
#include "style/stripfill.h"

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
        m_layout.setExpandedTasks(1, 0);
        applyLaneChoices();
        fitLanes();
    }
    m_hasSelection = false;
    m_stepFirst = m_stepEnd = 0;
    applyHighlights();
    updateScrollBars();
    if (m_following)
        scrollToEnd();
    foldIdleLanes();
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
    foldIdleLanes();
    viewport()->update();
}

void SequenceView::setIoLaneMode(SequenceLayout::IoLaneMode mode)
{
    m_layout.setIoLaneMode(mode);
    relayLanes();
}

void SequenceView::setProblemMarks(std::vector<std::pair<SeqNo, TaskId>> marks)
{
    if (!m_renderer)
        return;
    m_renderer->setProblemMarks(std::move(marks));
    viewport()->update();
}

void SequenceView::relayLanes()
{
    fitLanes();
    updateScrollBars();
    foldIdleLanes();
    viewport()->update();
}

void SequenceView::setFoldingIdleLanes(bool fold)
{
    m_foldIdleLanes = fold;
    foldIdleLanes();
    viewport()->update();
}

void SequenceView::foldIdleLanes()
{
    // Past this many rows on screen (a density view of a long run) every lane takes part anyway.
    constexpr qsizetype MaxRowsToScan = 200'000;
    if (!m_renderer || !m_feed || !m_feed->trace())
        return;
    std::vector<bool> folded;
    const double openWidth = SequenceLayout::GutterWidth
        + (m_layout.laneCount() + SequenceLayout::RightMarginLanes) * m_layout.laneWidth();
    const QRectF area = visibleArea();
    const auto [first, last] = m_layout.rowsBetween(area.top() + SequenceLayout::HeaderHeight, area.bottom());
    if (m_foldIdleLanes && openWidth > viewport()->width() && first <= last && last - first < MaxRowsToScan) {
        folded = lanesTakingPart(*m_feed->trace(), m_feed->digest(), m_layout, first, last);
        folded.flip();
    }
    // The lane at the left edge stays where it is; the lanes around it fold or open.
    const double edge = area.left() + SequenceLayout::GutterWidth;
    const int anchor = m_layout.laneAt(edge);
    const double into = anchor >= 0 ? edge - m_layout.laneLeft(anchor) : 0;
    // Folded lanes share what room the open ones leave, so that all of them fit when they can.
    const auto foldedCount = static_cast<double>(std::count(folded.begin(), folded.end(), true));
    const double openLanes = m_layout.laneCount() - foldedCount + SequenceLayout::RightMarginLanes;
    const double room = viewport()->width() - SequenceLayout::GutterWidth - openLanes * m_layout.laneWidth();
    const bool narrowed = foldedCount > 0 && m_layout.setFoldedLaneWidth(std::floor(room / foldedCount));
    if (!m_layout.setFoldedLanes(std::move(folded)) && !narrowed)
        return;
    updateScrollBars();
    if (anchor >= 0) {
        const double left = m_layout.laneLeft(anchor) + std::min(into, m_layout.laneWidthAt(anchor));
        horizontalScrollBar()->setValue(static_cast<int>(std::lround(left - SequenceLayout::GutterWidth)));
    }
    revealCurrentStep();
    viewport()->update();
}

void SequenceView::revealCurrentStep()
{
    if (m_stepEnd <= m_stepFirst || !m_feed || !m_feed->trace())
        return;
    const qsizetype row = m_feed->trace()->indexOfSeq(m_stepEnd - 1);
    if (row >= 0 && row < m_layout.rowCount())
        ensureLanesVisible(row, row);
}

void SequenceView::expandGroup(int lane)
{
    if (lane < 0 || lane >= m_layout.laneCount()
        || m_layout.lane(lane).kind != SequenceLayout::LaneKind::TaskGroup) {
        collapseGroup();
        return;
    }
    const SequenceLayout::Lane group = m_layout.lane(lane);
    m_layout.setExpandedTasks(group.id, group.last);
    relayLanes();
    // The first member opens where the group was: bring it on screen.
    const int opened = m_layout.laneOfTask(group.id);
    if (opened >= 0) {
        const double x = m_layout.laneLeft(opened) - SequenceLayout::GutterWidth - m_layout.laneWidth() / 4;
        horizontalScrollBar()->setValue(static_cast<int>(std::lround(std::max(0.0, x))));
    }
}

void SequenceView::collapseGroup()
{
    if (!m_layout.hasExpandedTasks())
        return;
    m_layout.setExpandedTasks(1, 0);
    relayLanes();
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
    foldIdleLanes();
    viewport()->update();
    emit zoomChanged(m_layout.zoom());
}

void SequenceView::setCurrentStep(SeqNo firstSeq, SeqNo endSeq)
{
    m_stepFirst = firstSeq;
    m_stepEnd = endSeq;
    applyHighlights();
    revealCurrentStep(); // the step's newest event is the current one: its lanes come on screen
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
    const double margin = m_layout.laneWidth() / 4;
    // The time gutter stays pinned at the left edge: lanes show to the right of it.
    const double gutter = SequenceLayout::GutterWidth;
    const double width = viewport()->width() - gutter;
    const auto rightOf = [this](int lane) { return m_layout.laneLeft(lane) + m_layout.laneWidthAt(lane); };
    double left = m_layout.laneLeft(low) - margin;
    double right = rightOf(high) + margin;
    if (right - left > width) { // both ends do not fit: keep the far end, where the arrow lands
        right = rightOf(far) + margin;
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
    relayLanes();
}

void SequenceView::setPinned(TaskId task, bool pinned)
{
    m_pinned.erase(std::remove(m_pinned.begin(), m_pinned.end(), task), m_pinned.end());
    if (pinned)
        m_pinned.push_back(task);
    applyLaneChoices();
    relayLanes();
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
    // On a task's header: pin its lane next to the loops, or let it go back to its place. On a group's
    // header: open it into lanes of its own. Either way, an open group can be closed again.
    const int lane = headerLaneAt(event->pos());
    if (lane < 0) {
        QAbstractScrollArea::contextMenuEvent(event);
        return;
    }
    QMenu menu(this);
    const SequenceLayout::Lane &l = m_layout.lane(lane);
    const QString title = m_renderer->laneTitle(lane);
    QAction *pin = nullptr;
    QAction *expand = nullptr;
    QAction *collapse = nullptr;
    const bool pinned = std::find(m_pinned.begin(), m_pinned.end(), l.id) != m_pinned.end();
    if (l.kind == SequenceLayout::LaneKind::Task)
        pin = menu.addAction(
            pinned ? tr("Unpin “%1”").arg(title) : tr("Pin “%1” next to the loops").arg(title));
    if (l.kind == SequenceLayout::LaneKind::TaskGroup)
        expand = menu.addAction(tr("Expand “%1” into Lanes").arg(title));
    if (m_layout.hasExpandedTasks())
        collapse = menu.addAction(tr("Collapse the Expanded Group"));
    if (menu.isEmpty())
        return;
    const TaskId task = l.id;
    QAction *chosen = menu.exec(event->globalPos());
    if (chosen && chosen == pin)
        setPinned(task, !pinned);
    else if (chosen && chosen == expand)
        expandGroup(lane);
    else if (chosen && chosen == collapse)
        collapseGroup();
}

int SequenceView::headerLaneAt(QPoint pos) const
{
    if (pos.y() >= SequenceLayout::HeaderHeight || pos.x() < SequenceLayout::GutterWidth || !m_renderer)
        return -1;
    return m_layout.laneAt(toDiagram(pos).x());
}

void SequenceView::mouseDoubleClickEvent(QMouseEvent *event)
{
    // Double-clicking a group's header opens it; double-clicking an expanded member closes the group.
    const int lane = headerLaneAt(event->position().toPoint());
    if (event->button() != Qt::LeftButton || lane < 0) {
        QAbstractScrollArea::mouseDoubleClickEvent(event);
        return;
    }
    const SequenceLayout::Lane &l = m_layout.lane(lane);
    const auto [first, last] = m_layout.expandedTasks();
    if (l.kind == SequenceLayout::LaneKind::TaskGroup)
        expandGroup(lane);
    else if (l.kind == SequenceLayout::LaneKind::Task && l.id >= first && l.id <= last)
        collapseGroup();
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
    foldIdleLanes();
    viewport()->update();
}

void SequenceView::fitLanesToView()
{
    m_chosenLaneWidth = 0;
    relayLanes();
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
        fillInStrips(painter, viewport()->rect(), colours.background);
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
    foldIdleLanes();
    // Lanes changed width: the current event's lanes come back on screen.
    revealCurrentStep();
}

void SequenceView::scrollContentsBy(int, int dy)
{
    if (dy != 0)
        foldIdleLanes(); // other rows on screen: other lanes take part
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
    if (event->type() == QEvent::FontChange)
        relayLanes();
}

} // namespace Loopscope
