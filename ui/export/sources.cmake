# ui/export: pictures of the diagram and the timeline (PNG, SVG, PDF) and `loopscope export`.
target_sources(loopscope_ui PRIVATE
    export/exportcommand.cpp
    export/imageexport.cpp
    export/networkscene.cpp
    export/runningtimechart.cpp
    export/svgcompactor.cpp
)
