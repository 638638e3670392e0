/* The one place the version of pps is written; CMake reads it from here. */
#ifndef PPS_VERSION_H
#define PPS_VERSION_H

#define PPS_VERSION "2.0.0"

#endif
