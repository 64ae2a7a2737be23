target_sources(loopscope_core PRIVATE
    net/demoitems.cpp
    net/demohttp.cpp
    net/demoserver.cpp
    net/demoserverroutes.cpp
    net/httpresponseparser.cpp
    net/httpconnection.cpp
    net/httpclient.cpp
    net/jsonscanner.cpp
    net/page.cpp
    net/landingzone.cpp
    net/connector.cpp
    net/retrieval.cpp
)
