#pragma once

#include <QStringList>

// Each benchmark prints its figures and ends with one line "RESULT <name> key=value ...".
// It returns the process exit code (0 on success).
int benchScheduler(const QStringList &args);
int benchServer(const QStringList &args);
int benchHttp(const QStringList &args);
int benchPages(const QStringList &args);
int benchPytrace(const QStringList &args);
int benchAnalysis(const QStringList &args);
int benchExport(const QStringList &args);
int benchRender(const QStringList &args);
int benchLoad(const QStringList &args);
int benchStream(const QStringList &args);
int benchAdaptive(const QStringList &args);
