// The parts of libxml2 (the library FoundationXML itself links) that INSiSOAP uses: the SAX2
// reader of requests, and the tree and XML Schema validation the judge checks calls with.
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, and its encoding header then pulls in the system ICU,
// whose declarations clash with the ICU Foundation bundles in any module importing both. Only
// the layout of xmlCharEncodingHandler depends on this switch, a struct we never touch.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
