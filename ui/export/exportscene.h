#pragma once

#include "style/viewpalette.h"

#include <QSizeF>

class QPainter;

namespace Loopscope::detail {

/*!
 * A picture to export: its whole size, how to paint it at (0, 0), and how to cut it into pages of
 * at most a given height with the headers repeated on each.
 */
class ExportScene
{
public:
    virtual ~ExportScene() = default;
    virtual QSizeF size() const = 0;
    virtual void paint(QPainter &painter) const = 0;
    //! Splits the picture into pages no taller than `maxHeight`; returns their count.
    virtual int paginate(double maxHeight) = 0;
    virtual QSizeF pageSize(int page) const = 0;
    virtual void paintPage(QPainter &painter, int page) const = 0;
};

//! Exports are documents: always the light look, whatever the desktop theme.
ViewPalette exportPalette();

} // namespace Loopscope::detail
