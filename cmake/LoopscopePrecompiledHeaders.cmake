# Precompiled headers: the Qt and standard headers that nearly every source includes, compiled once
# per family of targets rather than once per source (on two cores this is minutes of every clean
# build). A precompiled header is only valid where the macros it depends on are defined as when it
# was compiled, so each family gathers targets with the same Qt modules: the first target of a family
# compiles it, the others reuse it (REUSE_FROM), and -Winvalid-pch turns a header that could not be
# used into a warning, an error with LOOPSCOPE_WARNINGS_AS_ERRORS.
option(LOOPSCOPE_PRECOMPILE_HEADERS "Compile the most used Qt and standard headers once per family of targets" ON)

set(loopscope_pch_core
    <algorithm> <array> <cmath> <cstdint> <functional> <limits> <memory> <optional> <utility> <vector>
    <QByteArray> <QHash> <QJsonArray> <QJsonDocument> <QJsonObject> <QList> <QObject> <QString> <QStringList>
    <QVariant>)
set(loopscope_pch_ui ${loopscope_pch_core} <QAbstractItemModel> <QPainter> <QWidget>)
set(loopscope_pch_test ${loopscope_pch_core} <QtTest>)
set(loopscope_pch_uitest ${loopscope_pch_ui} <QtTest>)

# Gives `target` the precompiled headers of `family` (core, ui, test or uitest).
function(loopscope_precompile_headers target family)
    if(NOT LOOPSCOPE_PRECOMPILE_HEADERS)
        return()
    endif()
    get_property(donor GLOBAL PROPERTY loopscope_pch_donor_${family})
    if(donor)
        target_precompile_headers(${target} REUSE_FROM ${donor})
    else()
        target_precompile_headers(${target} PRIVATE ${loopscope_pch_${family}})
        set_property(GLOBAL PROPERTY loopscope_pch_donor_${family} ${target})
    endif()
    target_compile_options(${target} PRIVATE -Winvalid-pch)
endfunction()
