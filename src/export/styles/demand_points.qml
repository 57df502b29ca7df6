<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- defacto: QGIS loads this style with the layer of the same name. -->
<qgis version="3.28" styleCategories="Symbology">
 <renderer-v2 type="graduatedSymbol" attr="served_share" graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" forceraster="0">
  <ranges>
   <range lower="0" upper="0.5" symbol="0" label="less than half served" render="true"/>
   <range lower="0.5" upper="0.999999" symbol="1" label="partly served" render="true"/>
   <range lower="0.999999" upper="1.000001" symbol="2" label="served within the standard" render="true"/>
  </ranges>
  <symbols>
   <symbol type="marker" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="215,25,28,255"/>
      <Option name="name" type="QString" value="circle"/>
      <Option name="size" type="QString" value="1.6"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="253,174,97,255"/>
      <Option name="name" type="QString" value="circle"/>
      <Option name="size" type="QString" value="1.6"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="26,150,65,255"/>
      <Option name="name" type="QString" value="circle"/>
      <Option name="size" type="QString" value="1.2"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
  </symbols>
 </renderer-v2>
</qgis>
