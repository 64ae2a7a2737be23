#pragma once

#include "io/eventrange.h"

namespace Loopscope {

/*!
 * Writes a trace as a Mermaid `sequenceDiagram` for documents and slides.
 *
 * Lifelines, in order: the event loop, the tasks in creation order, then "IO Operation" (the
 * selector the loop waits on). The loop starts and resumes tasks with `->>+` (the task's
 * activation begins); tasks hand control back with `-->>-` when they await or complete; the loop
 * monitors I/O and a run of completions delivered together comes back as one arrow. Failures,
 * cancellations, slow steps and scenario output become notes. With `comments`, every event of the
 * range is also kept as a `%%` comment line ("%% #5 t=0 s C1 awaits read a"), which Mermaid ignores.
 * Activations that are open when the range starts are opened explicitly, so a range renders on its own.
 */
class MermaidExport
{
public:
    struct Options
    {
        bool activations = true; //!< activation bars on task lifelines (`+`/`-` on arrows)
        bool comments = true;    //!< one `%%` line per event with its description
    };

    static QString toText(const Trace &trace, const EventRange &range, const Options &options);
    static QString toText(const Trace &trace, const EventRange &range)
    {
        return toText(trace, range, Options {});
    }

    //! Text made safe for a Mermaid message, note or participant alias: one line, with `#`, `;`, `%`,
    //! `<` and `>` as Mermaid entity codes (`#59;`).
    static QString escape(const QString &text);
};

} // namespace Loopscope
