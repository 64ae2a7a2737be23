#pragma once

#include "trace/traceevent.h"

#include <QString>

namespace Loopscope {

class SequenceLayout;
class Trace;
class TraceDigest;

/*!
 * What one event looks like in the sequence diagram: an arrow between two lanes (a call: the loop
 * starts or resumes a task, a task submits I/O or delegates; a return: a task awaits and hands
 * control back, I/O completes) or a note on one lane (errors, cancellations, slow steps, output).
 * Pure functions of the event and the layout's lanes; the renderer draws what they say.
 */
struct SequenceMessage
{
    enum class Shape : std::uint8_t {
        Call,   //!< solid arrow, filled head
        Return, //!< dashed arrow, open head
        Note,   //!< a box on lane `from`
        Marker, //!< small text beside lane `from` (creation, loop start and stop)
    };
    enum class Tone : std::uint8_t { Normal, Muted, Warning, Error };

    Shape shape = Shape::Marker;
    Tone tone = Tone::Normal;
    int from = -1; //!< lane; -1 when the lane is unknown (the event is skipped)
    int to = -1;   //!< lane; equals `from` for notes and markers

    bool isArrow() const { return shape == Shape::Call || shape == Shape::Return; }
};

//! Where and how `event` is drawn with `layout`'s lanes.
SequenceMessage sequenceMessage(const SequenceLayout &layout, const TraceEvent &event);

//! The text drawn with `event`: "start C1", "await read a", "I/O complete", "resume C1", "return 1".
QString sequenceLabel(const Trace &trace, const TraceDigest &digest, const TraceEvent &event);

} // namespace Loopscope
