/* The program each layer's objects are linked whole into, against the layers it may use and no
 * others (CMakeLists.txt, hfsim_layer): an undefined symbol there is a call across the layering. */
int main(void) { return 0; }
