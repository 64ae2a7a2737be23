#pragma once

#include "analysis/taskrunstate.h"
#include "trace/traceevent.h"

#include <array>
#include <QColor>
#include <QEvent>
#include <QPalette>
#include <QWidget>

namespace Loopscope {

/*!
 * The colours the diagram and the timeline paint with. Backgrounds, text and lines come from the
 * application palette's roles, so light and dark themes both work; a restrained accent set tells
 * tasks apart and a fixed set of state colours (tuned for light or dark) marks task states.
 * A plain value: build it with fromPalette() whenever the palette changes.
 */
struct ViewPalette
{
    bool dark = false;
    QColor background;  //!< Base
    QColor alternate;   //!< AlternateBase: zebra rows, gutters
    QColor text;        //!< Text
    QColor mutedText;   //!< text for secondary information
    QColor line;        //!< lifelines, axes
    QColor grid;        //!< faint separators
    QColor headerFill;  //!< lifeline header boxes
    QColor selection;   //!< Highlight
    QColor currentStep; //!< band behind the rows of the current step
    QColor arrow;       //!< message arrows
    QColor error;
    QColor warning;
    QColor noteFill; //!< plain notes (messages)
    std::array<QColor, 8> accents;
    std::array<QColor, TaskRunStateCount> states;

    static ViewPalette fromPalette(const QPalette &palette);

    QColor taskAccent(TaskId task) const { return accents[task % accents.size()]; }
    QColor stateColor(TaskRunState state) const { return states[static_cast<std::size_t>(state)]; }
    //! `colour` blended towards the background by `amount` (0: unchanged, 1: background).
    QColor faded(const QColor &colour, double amount) const;
};

//! After a palette or font change of `view`, hands its renderer the new palette and font and
//! repaints; other events are left alone.
template<typename Renderer>
void restyleOnChange(const QEvent *event, QWidget &view, QWidget &viewport, Renderer *renderer)
{
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) && renderer) {
        renderer->setPalette(ViewPalette::fromPalette(view.palette()));
        renderer->setFont(view.font());
        viewport.update();
    }
}

} // namespace Loopscope
