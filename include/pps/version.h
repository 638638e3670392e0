/* The one place the version of pps is written; CMake reads it from here. */
#ifndef PPS_VERSION_H
#define PPS_VERSION_H

#define PPS_VERSION "2.1.0"

#endif
