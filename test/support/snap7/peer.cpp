// A real S7 server for the S7 grabber's tests: snap7's server (its source ships in the
// node-snap7 npm package), listening on argv[1]:argv[2] until its standard input closes.
#include "snap7_libmain.h"
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: peer ADDRESS PORT\n");
    return 2;
  }
  S7Object server = Srv_Create();
  word port = (word)atoi(argv[2]);
  Srv_SetParam(server, p_u16_LocalPort, &port);
  int rc = Srv_StartTo(server, argv[1]);
  if (rc != 0) {
    fprintf(stderr, "snap7 server did not start: 0x%x\n", rc);
    return 1;
  }
  printf("listening\n");
  fflush(stdout);
  while (getchar() != EOF) {
  }
  Srv_Stop(server);
  Srv_Destroy(server);
  return 0;
}
