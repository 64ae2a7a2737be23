#pragma once

#include "sequence/sequencemessage.h"
#include "style/viewpalette.h"

#include <QFont>
#include <QLineF>

#include <limits>

class QPainter;

namespace Loopscope {

/*!
 * The diagram's drawing primitives, in UML's vocabulary: a call (solid line, filled head), a return
 * (dashed line, open head), a message label on a veil of the row's colour so that lifelines do not
 * run through it, a note with a folded corner (tinted by tone), and a marker (small muted text).
 * Used by SequenceRenderer; knows nothing of traces.
 */
class SequenceShapes
{
public:
    void setPalette(const ViewPalette &palette) { m_palette = palette; }
    void setFont(const QFont &font);

    QColor toneColour(SequenceMessage::Tone tone) const;
    void arrow(QPainter &p, const QLineF &line, bool dashed, const QColor &colour, double width) const;
    //! `text` above `line`, centred on the part of the line within [visibleLeft, visibleRight].
    void label(QPainter &p, const QLineF &line, const QString &text, const QColor &colour, const QColor &veil,
        double visibleLeft, double visibleRight) const;
    //! A note whose left edge is at `x`, vertically centred on `centerY`, at most `maxHeight` tall;
    //! where it would run past `rightLimit` it ends at `leftAnchor` instead (the other side of its lane).
    void note(QPainter &p, double x, double centerY, double maxHeight, const QString &text,
        SequenceMessage::Tone tone, double rightLimit = std::numeric_limits<double>::infinity(),
        double leftAnchor = 0) const;
    void marker(QPainter &p, double x, double centerY, double maxWidth, const QString &text) const;
    //! Where an arrow leaves the view at `edge` (its end, x at the view's edge): a tag naming the
    //! lane it goes to, inside the view, pointing out of it (`outwards`: +1 right, -1 left).
    void edgeTag(QPainter &p, QPointF edge, int outwards, const QString &lane, const QColor &colour) const;

private:
    ViewPalette m_palette;
    QFont m_font;
    QFont m_smallFont;
};

} // namespace Loopscope
