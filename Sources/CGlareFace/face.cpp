#include "glare_face.h"
