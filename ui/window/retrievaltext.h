#pragma once

#include "net/retrieval.h"

#include <QString>

namespace Loopscope {

class Trace;

/*!
 * What the HTTP retrieval panel writes for people, apart from its widgets: how a retrieval ended,
 * its progress line, and messages and addresses with every secret taken out.
 */
namespace RetrievalText {

//! "Done: 13 pages, 640 items, 0 failed, 0 retries.", or, when pages failed, the first reason:
//! "Finished with 1 failed page: page 0 failed after 1 attempt: ...", as `loopscope fetch` says.
QString outcome(const FetchSummary &summary);

//! How a retrieval ended as its trace tells (the "fetch" task's result, the last failed request):
//! for a run whose summary is not at hand, as a replay.
QString outcome(const Trace &trace);

//! `text` with what `settings` holds secret replaced by RedactedValue: the URL's password and
//! secret query values, and the values of secret headers (by name, or from the environment).
QString withoutSecrets(QString text, const RetrievalSettings &settings);

//! The URL field's text as it may be saved: as typed, or redactedUrl() of it when it holds a secret.
QString savableUrl(const QString &typed);

//! A progress line ("pages 3/10 · items 150 · ... · 95 pages/s") that wraps only between its
//! parts, never inside one ("pages/" and "s" on two lines).
QString breakableBetweenParts(const QString &progress);

} // namespace RetrievalText

} // namespace Loopscope
