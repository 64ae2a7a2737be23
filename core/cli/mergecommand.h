#pragma once

#include <QStringList>

QT_BEGIN_NAMESPACE
class QTextStream;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * `loopscope merge OUT.jsonl PART.jsonl...`: joins the outputs of `fetch --shard K/N` runs (one per
 * shard) into one JSON Lines file with its manifest, pages in order. It checks first that the parts
 * are the N shards of one retrieval, each once, that every page up to the collection's end landed
 * in exactly one of them, and nothing past it; otherwise it writes nothing and says what is missing.
 * Exit status: 0 merged, 1 the parts do not make a whole, 2 bad usage or unreadable parts.
 */
int runMergeCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace Loopscope
