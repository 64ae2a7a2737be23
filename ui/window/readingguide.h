#pragma once

#include <QString>

namespace Loopscope {

struct ViewPalette;

/*!
 * Help → How to Read the Diagram: what every line, bar, arrow, band and colour of the sequence
 * diagram and the timeline means, as rich text with the swatches drawn in `palette`'s colours.
 */
QString readingGuideHtml(const ViewPalette &palette);

} // namespace Loopscope
