#pragma once

#include <QtGlobal>
#include <vector>

namespace Loopscope {

class SequenceLayout;
class Trace;
class TraceDigest;

/*!
 * Which lanes take part in rows [firstRow, lastRow] of the diagram: an arrow starts or ends in
 * them, a note sits on them, an activation or an I/O flight crosses them. A view folds the others
 * so that the lanes that act in the stretch it shows fit on screen. Index = lane; the first loop and
 * pinned tasks always take part (they are the reader's landmarks).
 */
std::vector<bool> lanesTakingPart(const Trace &trace, const TraceDigest &digest, const SequenceLayout &layout,
    qsizetype firstRow, qsizetype lastRow);

} // namespace Loopscope
