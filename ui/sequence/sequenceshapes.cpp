#include "sequence/sequenceshapes.h"

#include <algorithm>
#include <cmath>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

namespace Loopscope {

using Tone = SequenceMessage::Tone;

void SequenceShapes::setFont(const QFont &font)
{
    m_font = font;
    m_font.setPointSizeF(std::max(8.0, font.pointSizeF() * 0.95));
    m_smallFont = font;
    m_smallFont.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.82));
}

QColor SequenceShapes::toneColour(Tone tone) const
{
    switch (tone) {
    case Tone::Muted:
        return m_palette.mutedText;
    case Tone::Warning:
        return m_palette.warning;
    case Tone::Error:
        return m_palette.error;
    case Tone::Normal:
        break;
    }
    return m_palette.arrow;
}

void SequenceShapes::arrow(
    QPainter &p, const QLineF &line, bool dashed, const QColor &colour, double width) const
{
    QPen pen(colour, width, Qt::SolidLine, Qt::FlatCap);
    if (dashed)
        pen.setDashPattern({ 4.0, 3.0 });
    p.setPen(pen);
    const double direction = line.dx() >= 0 ? 1.0 : -1.0;
    constexpr double head = 9;
    const QPointF tip = line.p2();
    p.drawLine(line.p1(), tip - QPointF(direction * (dashed ? 1 : head - 1), 0));
    const QPolygonF arrowHead { tip, tip - QPointF(direction * head, 4.5),
        tip - QPointF(direction * head, -4.5) };
    if (dashed) {
        p.setPen(QPen(colour, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(QPolygonF { arrowHead[1], tip, arrowHead[2] });
    } else {
        p.setPen(Qt::NoPen);
        p.setBrush(colour);
        p.drawPolygon(arrowHead);
        p.setBrush(Qt::NoBrush);
    }
}

void SequenceShapes::label(QPainter &p, const QLineF &line, const QString &text, const QColor &colour,
    const QColor &veil, double visibleLeft, double visibleRight) const
{
    if (text.isEmpty())
        return;
    p.setFont(m_font);
    const QFontMetricsF metrics(m_font);
    const double left = std::min(line.x1(), line.x2());
    const double right = std::max(line.x1(), line.x2());
    // A long arrow whose ends are scrolled away keeps its label in view.
    const double shownLeft = std::max(left, visibleLeft);
    const double shownRight = std::min(right, visibleRight);
    const double centre = shownRight > shownLeft ? (shownLeft + shownRight) / 2 : line.center().x();
    const double room = std::max(right - left - 10, 136.0);
    const QString shown = metrics.elidedText(text, Qt::ElideRight, room);
    const double width = metrics.horizontalAdvance(shown);
    const double height = metrics.height();
    const QRectF box(centre - width / 2 - 4, line.y1() - height - 5, width + 8, height + 1);
    p.setPen(Qt::NoPen);
    p.setBrush(veil);
    p.drawRoundedRect(box, 3, 3);
    p.setBrush(Qt::NoBrush);
    p.setPen(colour);
    p.drawText(box, Qt::AlignCenter, shown);
}

void SequenceShapes::edgeTag(
    QPainter &p, QPointF edge, int outwards, const QString &lane, const QColor &colour) const
{
    p.setFont(m_smallFont);
    const QFontMetricsF metrics(m_smallFont);
    const QString text = outwards > 0
        ? QStringLiteral("%1 \u25B8").arg(metrics.elidedText(lane, Qt::ElideMiddle, 150))
        : QStringLiteral("\u25C2 %1").arg(metrics.elidedText(lane, Qt::ElideMiddle, 150));
    const double width = metrics.horizontalAdvance(text) + 8;
    const double height = metrics.height() + 2;
    const double x = outwards > 0 ? edge.x() - width - 2 : edge.x() + 2;
    const QRectF box(x, edge.y() + 3, width, height);
    p.setPen(QPen(colour, 1));
    p.setBrush(m_palette.background);
    p.drawRoundedRect(box, 3, 3);
    p.setBrush(Qt::NoBrush);
    p.drawText(box, Qt::AlignCenter, text);
}

void SequenceShapes::note(QPainter &p, double x, double centerY, double maxHeight, const QString &text,
    Tone tone, double rightLimit, double leftAnchor) const
{
    const QFontMetricsF metrics(m_font);
    const QString shown = metrics.elidedText(text, Qt::ElideRight, 340);
    const double width = text.isEmpty() ? 14 : metrics.horizontalAdvance(shown) + 18;
    if (x + width > rightLimit && leftAnchor - width >= 0)
        x = leftAnchor - width; // no room on the right: the note goes to the lane's left
    const double height = std::min(maxHeight, metrics.height() + 8);
    const QRectF box(x, centerY - height / 2, width, height);
    const QColor colour = toneColour(tone);
    QColor fill = m_palette.noteFill;
    if (tone == Tone::Error || tone == Tone::Warning)
        fill = m_palette.faded(colour, m_palette.dark ? 0.70 : 0.86);
    else if (tone == Tone::Muted)
        fill = m_palette.alternate;
    // A note with a folded corner, as UML draws it.
    const double fold = std::min(7.0, height / 3);
    QPainterPath path;
    path.moveTo(box.topLeft());
    path.lineTo(box.right() - fold, box.top());
    path.lineTo(box.right(), box.top() + fold);
    path.lineTo(box.bottomRight());
    path.lineTo(box.bottomLeft());
    path.closeSubpath();
    p.setPen(QPen(m_palette.faded(tone == Tone::Normal ? m_palette.warning : colour, 0.35), 1));
    p.setBrush(fill);
    p.drawPath(path);
    p.setBrush(Qt::NoBrush);
    if (!text.isEmpty()) {
        p.setFont(m_font);
        p.setPen(tone == Tone::Error ? m_palette.error : m_palette.text);
        p.drawText(box.adjusted(8, 0, -8, 0), Qt::AlignLeft | Qt::AlignVCenter, shown);
    }
}

void SequenceShapes::marker(QPainter &p, double x, double centerY, double maxWidth, const QString &text) const
{
    p.setFont(m_smallFont);
    p.setPen(m_palette.mutedText);
    const QFontMetricsF metrics(m_smallFont);
    const QString shown = metrics.elidedText(text, Qt::ElideRight, maxWidth);
    p.drawText(QRectF(x, centerY - metrics.height() / 2, maxWidth, metrics.height()),
        Qt::AlignLeft | Qt::AlignVCenter, shown);
}

} // namespace Loopscope
